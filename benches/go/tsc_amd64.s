#include "textflag.h"

// func rdtscp() uint64
// RDTSCP waits for the instructions before it: the acquisition is done
// when the stamp is taken, as in the C harness's ticks_now().
TEXT ·rdtscp(SB), NOSPLIT, $0-8
	RDTSCP
	SHLQ $32, DX
	ORQ  DX, AX
	MOVQ AX, ret+0(FP)
	RET
