DO $$
DECLARE t text;
BEGIN
	FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'river\_%' LOOP
		EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO obieg_app', t);
	END LOOP;
	FOR t IN SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() AND sequencename LIKE 'river\_%' LOOP
		EXECUTE format('GRANT USAGE, SELECT, UPDATE ON SEQUENCE %I TO obieg_app', t);
	END LOOP;
END $$
