package main

const haveTSC = true

// rdtscp reads the time-stamp counter (tsc_amd64.s).
func rdtscp() uint64
