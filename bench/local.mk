## bench: benchmarks (to come)
