package registry

// ChainHash is the metryka hash of e following the entry whose hash is
// prev; prev nil means e begins its case's chain. It is for bulk loaders
// (obieg seed-scale) that write metryka rows themselves in a tenant
// transaction; `obieg verify` recomputes what they wrote.
func ChainHash(prev []byte, e *MetrykaEntry) []byte {
	if prev == nil {
		prev = genesis
	}
	return chainHash(prev, e)
}

// GenesisHash is the prev_hash of the first entry of every chain.
func GenesisHash() []byte { return append([]byte(nil), genesis...) }
