/*
 * fault.h - test-only fault injection: the one place its switches live.
 *
 * Tests prove that a failure at any point leaves no half-written file and
 * an unchanged ledger by making the failure happen on purpose.  Every
 * switch is an environment variable, inert unless set, and this module is
 * the only code that reads them:
 *
 *   FFKIT_FAIL_ALLOC=N         the N-th allocation from start fails, and
 *                              every later one (core/alloc.c counts)
 *   FFKIT_FAIL_WRITE=N         the N-th output commit of the process fails
 *                              as on a full disk (core/outfile.c)
 *   FFKIT_KILL_AT_COMMIT=N     the N-th commit point kills the process with
 *                              SIGKILL, as a power cut would (outfile.c)
 *   FFKIT_FAIL_SQLITE_WRITE=N  the ledger's N-th write, and every later
 *                              one, fails with SQLITE_FULL (intake/ledger.c)
 *
 * The allocation switch is read once, by ff_fault_init_from_env() at the
 * start of each main.  The others are read when asked, as they always
 * were, so a unit test may set and unset them between calls.  The two
 * commit counters below are, with the allocation countdown, the only
 * process-wide mutable state in ffkit; they are atomic, and are counted
 * only while their switch is set.
 */
#ifndef FF_FAULT_H
#define FF_FAULT_H

/* Arm the allocation countdown from $FFKIT_FAIL_ALLOC when it is a
 * positive integer (nothing else in it); call once, first thing in main. */
void ff_fault_init_from_env(void);

/*
 * A commit point of an output file (outfile.c: every file commit, a set's
 * commit, and a set's first rename): with $FFKIT_KILL_AT_COMMIT=N, the
 * N-th of the process raises SIGKILL, as a power cut would, at a known
 * place.
 */
void ff_fault_kill_point(void);

/*
 * An output commit: a commit point (ff_fault_kill_point), then 1 when
 * $FFKIT_FAIL_WRITE=N is set and this is the process's N-th commit since
 * it was set, else 0.
 */
int ff_fault_commit_fails(void);

/* $FFKIT_FAIL_SQLITE_WRITE as a number (the ledger's write that starts
 * failing), or 0 when unset, empty or not positive. */
long ff_fault_sqlite_write(void);

#endif
