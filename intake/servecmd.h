/*
 * servecmd.h - the commands of ffintake that keep running or talk to the
 * network (serve, token, user; pull and watch), parsed apart from main.c's
 * file commands.
 */
#ifndef INTAKE_SERVECMD_H
#define INTAKE_SERVECMD_H

/* 1 when cmd is one of these commands. */
int intake_servecmd_is(const char *cmd);

/* Run argv[1] with its options; returns the exit code (0, 1, 2, 3). */
int intake_servecmd_main(int argc, char **argv);

#endif
