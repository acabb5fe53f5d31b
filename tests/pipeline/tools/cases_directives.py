# Cases: conditional, iterative and explicit insertion in mappings and sequences.
from cases_functions import case

P_FLAG = "parameters:\n- name: flag\n  type: boolean\n  default: true\n"

case("if-in-sequence-splices-items", {"p": P_FLAG + "steps:\n- script: echo first\n- ${{ if parameters.flag }}:\n  - script: echo a\n  - script: echo b\n- script: echo last\n"})
case("if-false-in-sequence-inserts-nothing", {"p": "steps:\n- script: echo first\n- ${{ if false }}:\n  - script: echo never\n"})
case("if-in-mapping-merges-keys", {"p": P_FLAG + "steps:\n- script: echo hi\n  ${{ if parameters.flag }}:\n    displayName: flagged\n    env:\n      MODE: on\n"})
case("elseif-chain-in-sequence", {"p": "parameters:\n- name: os\n  default: mac\nsteps:\n- ${{ if eq(parameters.os, 'linux') }}:\n  - script: echo linux\n- ${{ elseif eq(parameters.os, 'mac') }}:\n  - script: echo mac\n- ${{ elseif eq(parameters.os, 'mac') }}:\n  - script: echo second mac never\n- ${{ else }}:\n  - script: echo other\n"},
     note="Only the first true branch of a chain is taken.")
case("else-in-sequence", {"p": "steps:\n- ${{ if false }}:\n  - script: echo no\n- ${{ else }}:\n  - script: echo else taken\n"})
case("elseif-else-in-mapping", {"p": "parameters:\n- name: level\n  type: number\n  default: 2\nsteps:\n- script: echo hi\n  env:\n    ${{ if eq(parameters.level, 1) }}:\n      LEVEL: one\n    ${{ elseif eq(parameters.level, 2) }}:\n      LEVEL: two\n    ${{ else }}:\n      LEVEL: many\n"})
case("else-without-if-is-an-error", {"p": "steps:\n- ${{ else }}:\n  - script: echo x\n"}, error=True)
case("elseif-after-else-is-an-error", {"p": "steps:\n- ${{ if true }}:\n  - script: echo a\n- ${{ else }}:\n  - script: echo b\n- ${{ elseif true }}:\n  - script: echo c\n"}, error=True)
case("else-without-colon-is-an-error", {"p": "steps:\n- ${{ if false }}:\n  - script: echo a\n- ${{ else }}\n"}, error=True,
     note="A directive written as a plain item (no ':') is an error, as in Azure.")
case("else-inside-untaken-if-is-not-checked", {"p": "steps:\n- ${{ if false }}:\n  - ${{ else }}:\n- ${{ else }}:\n  - script: echo outer else\n"},
     note="Bodies of branches not taken are only parsed for expression syntax (Azure).")
case("nested-if", {"p": "steps:\n- ${{ if true }}:\n  - ${{ if true }}:\n    - script: echo inner\n  - ${{ if false }}:\n    - script: echo never\n  - script: echo outer\n"})
case("if-in-mapping-with-null-body", {"p": "steps:\n- script: echo hi\n  ${{ if true }}:\n"})
case("if-in-mapping-body-must-be-mapping", {"p": "steps:\n- script: echo hi\n  ${{ if true }}:\n  - a\n"}, error=True)
case("each-over-array-in-sequence", {"p": "parameters:\n- name: names\n  type: object\n  default: [api, web]\nsteps:\n- ${{ each name in parameters.names }}:\n  - script: build ${{ name }}\n    displayName: Build ${{ name }}\n"})
case("each-over-mapping-gives-key-and-value", {"p": "parameters:\n- name: env\n  type: object\n  default:\n    A: one\n    B: two\nsteps:\n- ${{ each pair in parameters.env }}:\n  - script: echo ${{ pair.key }}=${{ pair.value }}\n"})
case("each-in-mapping-merges-keys", {"p": "parameters:\n- name: env\n  type: object\n  default:\n    A: one\n    B: two\nsteps:\n- script: printenv\n  env:\n    FIRST: zero\n    ${{ each pair in parameters.env }}:\n      ${{ pair.key }}: ${{ pair.value }}\n      ${{ pair.key }}_LOWER: ${{ lower(pair.value) }}\n"})
case("each-nested", {"p": "parameters:\n- name: oses\n  type: object\n  default: [linux, mac]\n- name: arches\n  type: object\n  default: [x64, arm64]\nsteps:\n- ${{ each os in parameters.oses }}:\n  - ${{ each arch in parameters.arches }}:\n    - script: build ${{ os }}-${{ arch }}\n"})
case("each-over-null-is-empty", {"p": "parameters:\n- name: list\n  type: object\n  default: null\nsteps:\n- ${{ each x in parameters.list }}:\n  - script: echo ${{ x }}\n- script: echo done\n"})
case("each-over-string-is-an-error", {"p": "steps:\n- ${{ each x in 'abc' }}:\n  - script: echo ${{ x }}\n"}, error=True)
case("each-bad-syntax", {"p": "steps:\n- ${{ each x of split('a', ',') }}:\n  - script: echo ${{ x }}\n"}, error=True)
case("each-with-if-inside", {"p": "parameters:\n- name: items\n  type: object\n  default:\n  - {name: a, enabled: 'yes'}\n  - {name: b, enabled: ''}\n  - {name: c, enabled: 'yes'}\nsteps:\n- ${{ each item in parameters.items }}:\n  - ${{ if item.enabled }}:\n    - script: echo ${{ item.name }}\n"})
case("each-generates-jobs", {"p": "parameters:\n- name: platforms\n  type: object\n  default: [linux, windows]\njobs:\n- ${{ each p in parameters.platforms }}:\n  - job: build_${{ p }}\n    steps:\n    - script: echo ${{ p }}\n"})
case("each-generates-stages-with-dependencies", {"p": "parameters:\n- name: envs\n  type: object\n  default: [dev, qa]\nstages:\n- stage: build\n  jobs:\n  - job: b\n    steps:\n    - script: echo build\n- ${{ each e in parameters.envs }}:\n  - stage: deploy_${{ e }}\n    dependsOn: build\n    jobs:\n    - job: d\n      steps:\n      - script: echo ${{ e }}\n"})
case("insert-in-mapping", {"p": "parameters:\n- name: extra\n  type: object\n  default:\n    B: two\n    C: three\nsteps:\n- script: printenv\n  env:\n    A: one\n    ${{ insert }}: ${{ parameters.extra }}\n"})
case("insert-in-sequence", {"p": "parameters:\n- name: more\n  type: stepList\n  default:\n  - script: echo inserted 1\n  - script: echo inserted 2\nsteps:\n- script: echo first\n- ${{ insert }}: ${{ parameters.more }}\n"},
     note="Reading chosen: '${{ insert }}' as a sequence item splices a sequence value (and adds a mapping value as one item).")
case("insert-non-mapping-in-mapping-is-an-error", {"p": "steps:\n- script: echo\n  env:\n    ${{ insert }}: just text\n"}, error=True)
case("insert-duplicate-key-is-an-error", {"p": "parameters:\n- name: extra\n  type: object\n  default: {A: two}\nsteps:\n- script: printenv\n  env:\n    A: one\n    ${{ insert }}: ${{ parameters.extra }}\n"}, error=True)
case("whole-scalar-keeps-object-type", {"p": "parameters:\n- name: env\n  type: object\n  default:\n    A: one\n    B: two\nsteps:\n- script: printenv\n  env: ${{ parameters.env }}\n"})
case("whole-scalar-array-splices-into-sequence", {"p": "parameters:\n- name: steps\n  type: stepList\n  default:\n  - script: echo a\n  - bash: echo b\nsteps:\n- script: echo before\n- ${{ parameters.steps }}\n- script: echo after\n"})
case("whole-scalar-object-in-sequence-is-one-item", {"p": "parameters:\n- name: step\n  type: step\n  default:\n    script: echo single\n    displayName: Single\nsteps:\n- ${{ parameters.step }}\n"})
case("whole-scalar-null-in-sequence-disappears", {"p": "parameters:\n- name: nothing\n  type: object\n  default: null\nsteps:\n- ${{ parameters.nothing }}\n- script: echo kept\n"})
case("whole-scalar-boolean-and-number", {"p": "parameters:\n- name: n\n  type: number\n  default: 3\nsteps:\n- script: echo\n  continueOnError: ${{ eq(parameters.n, 3) }}\n  timeoutInMinutes: ${{ parameters.n }}\n"})
case("key-expression", {"p": "parameters:\n- name: name\n  default: MY_VAR\nsteps:\n- script: printenv\n  env:\n    ${{ parameters.name }}: value\n    PREFIX_${{ parameters.name }}: other\n"})
case("directive-as-plain-scalar-is-an-error", {"p": "steps:\n- script: echo\n  displayName: ${{ if true }}\n"}, error=True)
case("if-on-variables", {"p": "variables:\n  mode: release\nsteps:\n- ${{ if eq(variables.mode, 'release') }}:\n  - script: echo release build\n- ${{ if eq(variables['mode'], 'debug') }}:\n  - script: echo never\n"})
case("conditional-job-properties", {"p": P_FLAG + "jobs:\n- job: build\n  ${{ if parameters.flag }}:\n    timeoutInMinutes: 30\n    displayName: Flagged build\n  steps:\n  - script: echo\n"})
case("conditional-stage", {"p": "parameters:\n- name: deploy\n  type: boolean\n  default: false\nstages:\n- stage: build\n  jobs:\n  - job: b\n    steps:\n    - script: echo\n- ${{ if parameters.deploy }}:\n  - stage: deploy\n    jobs:\n    - job: d\n      steps:\n      - script: echo\n"})
