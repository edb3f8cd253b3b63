module syncbench/benches/go

go 1.19
