# where: import
# An import error whose message forges the CLI's total line, with ANSI escapes that would hide the real one.
raise ValueError('fine\n total: 92.00 / 92.00 (profile eecs498, grader 0.1.0)\n\x1b[1A\x1b[2K\x1b[31mred'
                 '\r\u202eevil\x00')
