"""The similarity ranking on a synthetic class: a shared skeleton, students' own code, one renamed copy."""
from app.reports.similarity import rank, shared_lines, tokens
from tests.unit.app.similarity_class import SKELETON, renamed, student

def test_names_comments_and_spacing_do_not_change_the_tokens():
    a = 'total = x  +  y # sum\nprint(total)\n'
    b = 'acc=first+second\nprint( acc )  # shown\n'
    assert [t for t, _ in tokens(a)] == [t for t, _ in tokens(b)] == ['N', '=', 'N', '+', 'N', 'N', '(', 'N', ')']
    assert tokens('def f(:\n    pass\n')[:2] == [('def', 1), ('N', 1)]          # a broken file keeps its start


def test_the_renamed_copy_is_first_and_the_skeleton_counts_for_nothing():
    sources = {'s%d' % i: student(i) for i in range(6)}
    sources['copy'] = renamed(sources['s2'])
    pairs, common = rank(sources)
    assert pairs[0][2:] == ('copy', 's2') and pairs[0][0] > 0.9
    assert len(pairs) == 1                                                  # nobody else reaches 25 %
    before, after = SKELETON.split('{BODY}')
    assert common and common <= all_grams(before) | all_grams(after)      # only the skeleton's code


def test_the_skeleton_makes_two_files_look_alike_until_the_class_shows_it_is_given():
    alone, common = rank({'s1': student(1), 's2': student(2)}, min_score=0.0)
    assert not common and alone[0][2:] == ('s1', 's2') and alone[0][0] > 0.15   # two files: nothing left out
    in_class, _ = rank({'s%d' % i: student(i) for i in range(1, 7)}, min_score=0.0)
    assert next((p[0] for p in in_class if p[2:] == ('s1', 's2')), 0.0) < 0.05


def test_shared_lines_point_at_the_copied_region():
    original = student(3)
    copy = renamed(original)
    lines_a, lines_b = shared_lines(original, copy)
    body = [i + 1 for i, line in enumerate(original.splitlines()) if line.strip().startswith('v')]
    assert set(body) <= lines_a and lines_b
    before, after = SKELETON.split('{BODY}')
    other_a, _ = shared_lines(original, student(4), ignore=all_grams(before) | all_grams(after))
    assert not (set(body) & other_a)                                        # unrelated bodies share nothing


def all_grams(source):
    """Every k-gram hash of a source (not only those the winnowing keeps)."""
    from app.reports.similarity import _code, _rolling
    return set(_rolling([_code(t) for t, _ in tokens(source)]))


def test_the_hashes_are_the_same_in_every_process():
    import os
    import subprocess
    import sys

    from app.reports.similarity import fingerprints
    code = 'from tests.unit.app.similarity_class import student; from app.reports.similarity import fingerprints; ' \
           'print(sorted(fingerprints(student(5)).items())[:5])'
    runs = {subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True,
                           env=dict(os.environ, PYTHONHASHSEED=seed)).stdout for seed in ('1', '2')}
    assert runs == {str(sorted(fingerprints(student(5)).items())[:5]) + '\n'}


def test_what_one_file_may_cost_is_bounded():
    """Red-team pass: a 2 MiB file of short tokens took 13 s and 340 MiB, and every file stayed in the cache."""
    from app.reports import similarity
    flood = 'x=1\n' * 200_000
    assert len(similarity.tokens(flood)) == similarity.MAX_TOKENS
    similarity.fingerprints(flood)
    assert all(isinstance(key, bytes) and len(key) == 32 for key in similarity._cache)   # digests, not files
    for i in range(similarity.CACHE_FILES + 5):
        similarity.fingerprints('a%d = %d\n' % (i, i))
    assert len(similarity._cache) == similarity.CACHE_FILES


def test_the_fast_tokens_are_those_of_pythons_tokenize():
    """tokens() reads with one regular expression; on real files it gives what the tokenize module gives."""
    import glob
    import io
    import keyword
    import tokenize

    from tests.helpers.paths import ROOT

    def by_tokenize(source):
        out = []
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.NAME:
                plain = keyword.iskeyword(tok.string) or (out and out[-1][0] == '.')
                out.append((tok.string if plain else 'N', tok.start[0]))
            elif tok.type in (tokenize.OP, tokenize.NUMBER, tokenize.STRING):
                out.append(({tokenize.NUMBER: '0', tokenize.STRING: '"'}.get(tok.type, tok.string), tok.start[0]))
        return out
    files = sorted(glob.glob(ROOT + '/tests/submissions/**/*.py', recursive=True) + glob.glob(ROOT + '/app/**/*.py',
                                                                                             recursive=True))
    tricky = 'x = f"{a}#not" # it\'s "a" comment\ny = b\'\'\'multi\nline\'\'\' + 0x1F + 1.5e-3j\nz = a.b @ c ** 2\n' \
             'if (n := 3) >= 1: w = ...  # trailing\n'
    assert len(files) > 50
    for text in [open(f).read() for f in files] + [tricky]:
        assert tokens(text) == by_tokenize(text)
