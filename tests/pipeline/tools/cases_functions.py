# Cases: every expression function and casting rule in template context.
# Each case is (name, {file: text}, expects_error, note). "p" is azure-pipelines.yml.
CASES = []

def case(name, files, error=False, note=None, options=None):
    CASES.append(dict(name=name, files=files, error=error, note=note, options=options))

def steps(*lines):
    return "steps:\n" + "".join(f"- script: echo {l}\n" for l in lines)

case("fn-and", {"p": steps("${{ and(true, true) }}", "${{ and(true, false) }}", "${{ and(1, 'x', true) }}", "${{ and('', true) }}")})
case("fn-or", {"p": steps("${{ or(false, false) }}", "${{ or(false, 1) }}", "${{ or('', 0, 'a') }}")})
case("fn-not", {"p": steps("${{ not(true) }}", "${{ not('') }}", "${{ not('False') }}")},
     note="'False' is a non-empty string, so it is truthy and not('False') is False (Azure's casting rules).")
case("fn-xor", {"p": steps("${{ xor(true, false) }}", "${{ xor(true, true) }}", "${{ xor(0, '') }}")})
case("fn-eq", {"p": steps("${{ eq(1, '1') }}", "${{ eq('ABC', 'abc') }}", "${{ eq(true, 'True') }}", "${{ eq(2, 3) }}")},
     note="The right operand converts to the left's type; string comparison ignores case.")
case("fn-ne", {"p": steps("${{ ne('a', 'A') }}", "${{ ne(1, 2) }}")})
case("fn-gt-ge", {"p": steps("${{ gt(5, 3) }}", "${{ gt('b', 'a') }}", "${{ ge(3, 3) }}", "${{ ge(2, '3') }}")})
case("fn-lt-le", {"p": steps("${{ lt(1, 2) }}", "${{ lt(2, 1) }}", "${{ le(2, 2) }}", "${{ le('b', 'a') }}")})
case("fn-in", {"p": steps("${{ in('b', 'a', 'b') }}", "${{ in('z', 'a', 'b') }}", "${{ in('B', 'a', 'b') }}")})
case("fn-notin", {"p": steps("${{ notIn('b', 'a', 'b') }}", "${{ notIn('z', 'a', 'b') }}")})
case("fn-contains", {"p": steps("${{ contains('hello world', 'WORLD') }}", "${{ contains('abc', 'x') }}")})
case("fn-containsvalue", {"p": "parameters:\n- name: list\n  type: object\n  default: [a, b, c]\n- name: map\n  type: object\n  default: {k1: v1, k2: v2}\n"
     + steps("${{ containsValue(parameters.list, 'B') }}", "${{ containsValue(parameters.list, 'z') }}", "${{ containsValue(parameters.map, 'v2') }}")})
case("fn-startswith-endswith", {"p": steps("${{ startsWith('refs/heads/main', 'refs/heads/') }}", "${{ endsWith('build.yaml', '.YAML') }}", "${{ startsWith('abc', 'b') }}")})
case("fn-format", {"p": steps("${{ format('{0}-{1}', 'a', 'b') }}", "${{ format('{{literal}} {0}', 1) }}", "${{ format('{1}{0}', 'x', 'y') }}")})
case("fn-format-number-and-boolean", {"p": steps("${{ format('{0}', 1.50) }}", "${{ format('{0}', true) }}", "${{ format('{0}', 0.12345678) }}")},
     note="Numbers print as .NET's 0.####### (at most 7 decimals, no trailing zeros); booleans as True/False.")
case("fn-join", {"p": "parameters:\n- name: list\n  type: object\n  default: [a, b, c]\n" + steps("${{ join(';', parameters.list) }}", "${{ join(', ', split('x y', ' ')) }}")})
case("fn-split", {"p": "steps:\n- ${{ each part in split('one,two,three', ',') }}:\n  - script: echo ${{ part }}\n"})
case("fn-replace", {"p": steps("${{ replace('a-b-c', '-', '_') }}", "${{ replace('aaa', 'a', 'bb') }}")})
case("fn-lower-upper", {"p": steps("${{ lower('MiXeD') }}", "${{ upper('MiXeD') }}")})
case("fn-trim", {"p": steps("'${{ trim('  padded  ') }}'")})
case("fn-coalesce", {"p": "parameters:\n- name: empty\n  type: string\n  default: ''\n" + steps("${{ coalesce(parameters.empty, 'fallback') }}", "${{ coalesce('first', 'second') }}")})
case("fn-converttojson", {"p": "parameters:\n- name: obj\n  type: object\n  default:\n    name: x\n    list: [1, 2]\nsteps:\n- script: echo\n  env:\n    JSON: ${{ convertToJson(parameters.obj) }}\n"},
     note="YAML scalars inside object parameters are strings, so 1 and 2 print as \"1\" and \"2\".")
case("fn-length", {"p": "parameters:\n- name: list\n  type: object\n  default: [a, b, c]\n- name: map\n  type: object\n  default: {a: 1, b: 2}\n" + steps("${{ length('hello') }}", "${{ length(parameters.list) }}", "${{ length(parameters.map) }}")})
case("fn-iif", {"p": steps("${{ iif(true, 'yes', 'no') }}", "${{ iif(eq(1, 2), 'yes', 'no') }}")})
case("fn-counter-is-runtime-only", {"p": steps("${{ counter('prefix', 1) }}")}, error=True,
     note="counter() exists only in runtime expressions; at compile time it is an error.")
case("fn-status-function-is-runtime-only", {"p": steps("${{ succeeded() }}")}, error=True)
case("fn-unknown-function", {"p": steps("${{ nothing() }}")}, error=True)
case("fn-unknown-named-value", {"p": steps("${{ nothing }}")}, error=True)
case("cast-string-truthiness", {"p": "steps:\n- ${{ if 'False' }}:\n  - script: echo non-empty string is true\n- ${{ if '' }}:\n  - script: echo never\n- ${{ if 0 }}:\n  - script: echo never\n- ${{ if 0.0 }}:\n  - script: echo never\n"})
case("cast-number-string-comparison", {"p": steps("${{ eq('10', 10) }}", "${{ eq(10, '10.0') }}", "${{ gt('9', '10') }}")},
     note="eq('10', 10): right converts to string '10'; eq(10, '10.0'): right converts to number 10; gt of two strings is ordinal.")
case("cast-boolean-prints-title-case", {"p": "parameters:\n- name: flag\n  type: boolean\n  default: true\n" + steps("${{ parameters.flag }}", "flag=${{ parameters.flag }}")})
case("cast-version-literals", {"p": steps("${{ gt(1.10.0, 1.9.0) }}", "${{ lt(1.2.3, 1.2.10) }}", "${{ eq(1.2.3, '1.2.3') }}")})
case("literal-strings-escape-quotes", {"p": steps("${{ 'it''s' }}", "${{ format('{0}''s', 'x') }}")})
case("literal-number-decimal", {"p": steps("${{ 0.1 }}", "${{ -12.50 }}", "${{ 45700000000000000000000000000 }}")})
case("accessor-index-and-property", {"p": "parameters:\n- name: obj\n  type: object\n  default:\n    list:\n    - name: first\n    - name: second\n    Key: value\n"
     + steps("${{ parameters.obj.list[1].name }}", "${{ parameters.obj['key'] }}", "${{ parameters['obj'].KEY }}")},
     note="Property names are looked up ignoring case, as Azure does.")
case("accessor-filtered-array", {"p": "parameters:\n- name: items\n  type: object\n  default:\n  - name: a\n  - name: b\n" + steps("${{ join(',', parameters.items.*.name) }}")})
case("expression-syntax-error-in-untaken-branch", {"p": "steps:\n- ${{ if false }}:\n  - script: echo ${{ 3 + 4 }}\n- script: echo ok\n"}, error=True,
     note="Azure parses every expression of a file, so syntax errors are reported even in branches not taken.")
case("expression-unknown-name-in-untaken-branch-is-fine", {"p": "steps:\n- ${{ if false }}:\n  - script: echo ${{ parammeters.x }}\n- script: echo ok\n"},
     note="Unknown names are found when evaluating, so a branch not taken does not report them.")
case("expression-unterminated", {"p": "steps:\n- script: echo ${{ 'open'\n"}, error=True)
case("expression-too-long", {"p": "steps:\n- script: echo ${{ '" + "x" * 21100 + "' }}\n"}, error=True,
     note="Azure's limit: an expression has at most 21000 characters.")
case("expression-too-deep", {"p": "steps:\n- script: echo ${{ " + "not(" * 51 + "true" + ")" * 51 + " }}\n"}, error=True,
     note="Azure's limit: expressions nest at most 50 levels.")
case("expression-embedded-in-text", {"p": "parameters:\n- name: os\n  default: linux\nsteps:\n- script: build-${{ parameters.os }}-${{ upper(parameters.os) }}.sh\n"})
case("expression-macro-and-runtime-left-verbatim", {"p": "variables:\n  a: $(b)\n  c: $[ variables.a ]\nsteps:\n- script: echo $(a) $[ eq(1, 1) ]\n  condition: and(succeeded(), eq(variables.a, 'x'))\n"},
     note="$(macro) and $[ runtime ] text is left for the run module.")
