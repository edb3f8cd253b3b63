//go:build !amd64

package main

import "syscall"

const sysGetcpu = syscall.SYS_GETCPU
