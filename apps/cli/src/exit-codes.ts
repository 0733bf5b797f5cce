// Exit codes every command shares (DESIGN.md): 0 ok/valid, 1 problems found, 2 usage or I/O error.
export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_USAGE = 2;
