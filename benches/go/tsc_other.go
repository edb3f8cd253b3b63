//go:build !amd64

package main

const haveTSC = false

// rdtscp is never called where there is no TSC: setUpClock refuses -clock tsc.
func rdtscp() uint64 { panic("no TSC on this architecture") }
