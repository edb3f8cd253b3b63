package main

// getcpu(2); package syscall has no number for it on amd64.
const sysGetcpu = 309
