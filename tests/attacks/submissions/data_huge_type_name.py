# where: conv_return
# Return an object whose type's name is 20 million characters instead of the output: the name once went into
# the messages of every check that calls the code (a 54 KB file made a 120 MB report).
print('ATTACK: huge type name returned', flush=True)
return type('A' * 20000000, (), {})(), (x, w, b, conv_param)
