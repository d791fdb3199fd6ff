package flow

import (
	"context"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/robfig/cron/v3"

	"obieg.dev/obieg/engine"
)

// Periodic is work done on a schedule — pulling the ePUAP box, sending
// reminders, transferring to the archive — run through River on one leader
// at a time, so N replicas do it once.
type Periodic struct {
	Name     string // unique
	Schedule string // cron expression, e.g. "*/5 * * * *"; or "@every 1m"
	Run      func(ctx context.Context) error
}

// periodicArgs is the job of one run of a periodic task.
type periodicArgs struct {
	Name string `json:"name"`
}

func (periodicArgs) Kind() string { return "flow.periodic" }

type periodicWorker struct {
	river.WorkerDefaults[periodicArgs]
	tasks map[string]Periodic
}

func (w *periodicWorker) Work(ctx context.Context, job *river.Job[periodicArgs]) error {
	p, ok := w.tasks[job.Args.Name]
	if !ok {
		return fmt.Errorf("no periodic task %q in this process", job.Args.Name)
	}
	return p.Run(ctx)
}

// periodicJobs turns the tasks into River's periodic jobs, checking each
// schedule; a bad schedule is a configuration error at start.
func periodicJobs(tasks []Periodic) ([]*river.PeriodicJob, map[string]Periodic, error) {
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	byName := map[string]Periodic{}
	var jobs []*river.PeriodicJob
	for _, p := range tasks {
		if _, dup := byName[p.Name]; dup || p.Name == "" || p.Run == nil {
			return nil, nil, engine.Errorf("flow.New", engine.KindInvalid, "periodic task %q: a unique name and a Run func are required", p.Name)
		}
		sched, err := parser.Parse(p.Schedule)
		if err != nil {
			return nil, nil, engine.E("flow.New", engine.KindInvalid, fmt.Sprintf("periodic task %q: schedule %q", p.Name, p.Schedule), err)
		}
		byName[p.Name] = p
		name := p.Name
		jobs = append(jobs, river.NewPeriodicJob(sched, func() (river.JobArgs, *river.InsertOpts) {
			// One pending run at a time: a slow run is not stacked on.
			return periodicArgs{Name: name}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
				rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
		}, &river.PeriodicJobOpts{ID: name}))
	}
	return jobs, byName, nil
}
