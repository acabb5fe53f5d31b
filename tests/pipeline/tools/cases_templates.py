# Cases: typed and untyped parameters, template references, extends, sources, limits.
from cases_functions import case

STEP_T = "parameters:\n- name: msg\n  type: string\n  default: hello\nsteps:\n- script: echo ${{ parameters.msg }}\n"

# ---- parameter types
def typed(name, ptype, default, use, error=False, note=None, passed=None):
    t = f"parameters:\n- name: value\n  type: {ptype}\n" + (f"  default: {default}\n" if default is not None else "") + use
    p = "steps:\n- template: t.yml\n" + (f"  parameters:\n    value: {passed}\n" if passed is not None else "")
    case(name, {"p": p, "t.yml": t}, error=error, note=note)

typed("param-string", "string", "'text'", "steps:\n- script: echo ${{ parameters.value }}\n")
typed("param-string-passed", "string", "'text'", "steps:\n- script: echo ${{ parameters.value }}\n", passed="given")
typed("param-string-given-mapping-is-an-error", "string", None, "steps:\n- script: echo\n", error=True, passed="{a: b}")
typed("param-string-given-sequence-is-an-error", "string", None, "steps:\n- script: echo\n", error=True, passed="[a, b]")
typed("param-number", "number", "42", "steps:\n- script: echo ${{ parameters.value }} ${{ gt(parameters.value, 40) }}\n")
typed("param-number-from-text", "number", "'7.50'", "steps:\n- script: echo ${{ parameters.value }}\n",
      note="A number default written as a string converts; it prints as 7.5.")
typed("param-number-invalid-is-an-error", "number", None, "steps:\n- script: echo\n", error=True, passed="abc")
typed("param-boolean", "boolean", "TRUE", "steps:\n- ${{ if parameters.value }}:\n  - script: echo yes ${{ parameters.value }}\n")
typed("param-boolean-false-string", "boolean", "'false'", "steps:\n- ${{ if parameters.value }}:\n  - script: echo never\n- script: echo ${{ parameters.value }}\n",
      note="A boolean parameter given the text 'false' is the boolean False (not the truthy string).")
typed("param-boolean-invalid-is-an-error", "boolean", None, "steps:\n- script: echo\n", error=True, passed="maybe")
typed("param-object", "object", "{a: [1, 2], b: {c: d}}", "steps:\n- script: echo ${{ parameters.value.b.c }} ${{ length(parameters.value.a) }}\n")
typed("param-step", "step", "{script: echo from step param}", "steps:\n- ${{ parameters.value }}\n")
typed("param-step-given-sequence-is-an-error", "step", None, "steps:\n- ${{ parameters.value }}\n", error=True, passed="[a]")
typed("param-steplist", "stepList", "[{script: echo one}, {bash: echo two}]", "steps:\n- script: echo start\n- ${{ parameters.value }}\n")
typed("param-steplist-given-mapping-is-an-error", "stepList", None, "steps:\n- ${{ parameters.value }}\n", error=True, passed="{script: x}")
typed("param-stringlist", "stringList", "[a, b]", "steps:\n- ${{ each v in parameters.value }}:\n  - script: echo ${{ v }}\n")
case("param-stringlist-values-restriction", {"p": "parameters:\n- name: regions\n  type: stringList\n  default: [eu, moon]\n  values: [eu, us]\nsteps:\n- script: echo\n"}, error=True)

def job_typed(name, ptype, default, use, error=False):
    t = f"parameters:\n- name: value\n  type: {ptype}\n  default: {default}\njobs:\n{use}"
    case(name, {"p": "jobs:\n- template: t.yml\n", "t.yml": t}, error=error)

job_typed("param-job", "job", "{job: from_param, steps: [{script: echo job}]}", "- ${{ parameters.value }}\n")
job_typed("param-joblist", "jobList", "[{job: a, steps: [{script: echo a}]}, {job: b, dependsOn: a, steps: [{script: echo b}]}]", "- ${{ parameters.value }}\n")
job_typed("param-deployment", "deployment", "{deployment: ship, environment: prod, strategy: {runOnce: {deploy: {steps: [{script: echo ship}]}}}}", "- ${{ parameters.value }}\n")
job_typed("param-deploymentlist", "deploymentList", "[{deployment: one, environment: dev, strategy: {runOnce: {deploy: {steps: [{bash: echo one}]}}}}]", "- ${{ parameters.value }}\n")
job_typed("param-deployment-environment-shorthand", "deployment", "{deployment: d, environment: prod}",
          "- job: check\n  steps:\n  - script: echo ${{ parameters.value.environment.name }}\n")
job_typed("param-job-given-sequence-is-an-error", "job", "[a]", "- ${{ parameters.value }}\n", error=True)

def stage_typed(name, ptype, default):
    t = f"parameters:\n- name: value\n  type: {ptype}\n  default: {default}\nstages:\n- ${{{{ parameters.value }}}}\n"
    case(name, {"p": "stages:\n- template: t.yml\n", "t.yml": t})

stage_typed("param-stage", "stage", "{stage: from_param, jobs: [{job: j, steps: [{script: echo s}]}]}")
stage_typed("param-stagelist", "stageList", "[{stage: a, jobs: [{job: j, steps: [{script: echo a}]}]}, {stage: b, jobs: [{job: j, steps: [{script: echo b}]}]}]")

case("param-values-restriction-ok", {"p": "steps:\n- template: t.yml\n  parameters:\n    platform: dotnet\n",
     "t.yml": "parameters:\n- name: platform\n  type: string\n  values: [node, dotnet, golang]\nsteps:\n- script: build ${{ parameters.platform }}\n"})
case("param-values-restriction-error", {"p": "steps:\n- template: t.yml\n  parameters:\n    platform: ruby\n",
     "t.yml": "parameters:\n- name: platform\n  type: string\n  values: [node, dotnet, golang]\nsteps:\n- script: build ${{ parameters.platform }}\n"}, error=True)
case("param-values-restriction-on-default", {"p": "parameters:\n- name: size\n  type: string\n  default: huge\n  values: [small, large]\nsteps:\n- script: echo\n"}, error=True)
case("param-number-values", {"p": "parameters:\n- name: n\n  type: number\n  default: 2\n  values: [1, 2, 3]\nsteps:\n- script: echo ${{ parameters.n }}\n"})
case("param-required-missing", {"p": "steps:\n- template: t.yml\n", "t.yml": "parameters:\n- name: needed\n  type: string\nsteps:\n- script: echo ${{ parameters.needed }}\n"}, error=True)
case("param-unexpected-is-an-error", {"p": "steps:\n- template: t.yml\n  parameters:\n    msg: hi\n    mgs: typo\n", "t.yml": STEP_T}, error=True)
case("param-default-type-is-string", {"p": "parameters:\n- name: list\n  default: [a, b]\nsteps:\n- script: echo\n"}, error=True,
     note="A declaration without 'type' is a string parameter, so a sequence default is an error (Azure).")
case("param-unknown-type", {"p": "parameters:\n- name: x\n  type: strng\n  default: a\nsteps:\n- script: echo\n"}, error=True)
case("param-declaration-without-name", {"p": "parameters:\n- parameter: x\n  default: a\nsteps:\n- script: echo\n"}, error=True)
case("param-runtime-value-from-options", {"p": "parameters:\n- name: target\n  type: string\n  default: dev\n  values: [dev, prod]\nsteps:\n- script: deploy ${{ parameters.target }}\n", "options.txt": "param target=prod\n"})
case("param-untyped-mapping-values-are-strings", {"p": "steps:\n- template: t.yml\n  parameters:\n    flag: false\n",
     "t.yml": "parameters:\n  flag: ''\nsteps:\n- ${{ if eq(parameters.flag, '') }}:\n  - script: echo never\n- script: echo flag is ${{ parameters.flag }} ${{ length(parameters.flag) }}\n"},
     note="In the older untyped form the value `false` stays the text 'false' (non-empty), so eq(flag, '') is False.")
case("param-untyped-accepts-undeclared", {"p": "steps:\n- template: t.yml\n  parameters:\n    extra: yes-please\n",
     "t.yml": "parameters:\n  declared: d\nsteps:\n- script: echo ${{ parameters.declared }} ${{ parameters.extra }}\n"})
case("param-untyped-no-declaration", {"p": "steps:\n- template: t.yml\n  parameters:\n    step:\n      script: echo passed step\n", "t.yml": "steps:\n- ${{ parameters.step }}\n"})
case("param-passed-from-expression", {"p": "parameters:\n- name: all\n  type: object\n  default: {msg: from object}\nsteps:\n- template: t.yml\n  parameters: ${{ parameters.all }}\n", "t.yml": STEP_T})
case("param-passed-through-two-levels", {"p": "steps:\n- template: a.yml\n  parameters:\n    msg: deep\n",
     "a.yml": "parameters:\n- name: msg\n  type: string\nsteps:\n- template: b.yml\n  parameters:\n    msg: ${{ parameters.msg }}-via-a\n", "b.yml": STEP_T})

# ---- template kinds and resolution
case("template-steps", {"p": "steps:\n- script: echo before\n- template: t.yml\n- template: t.yml\n  parameters:\n    msg: again\n", "t.yml": STEP_T})
case("template-jobs", {"p": "jobs:\n- template: jobs.yml\n  parameters:\n    name: unit\n",
     "jobs.yml": "parameters:\n- name: name\n  type: string\njobs:\n- job: test_${{ parameters.name }}\n  steps:\n  - script: run ${{ parameters.name }}\n"})
case("template-stages", {"p": "stages:\n- template: s.yml\n  parameters:\n    env: dev\n- template: s.yml\n  parameters:\n    env: prod\n",
     "s.yml": "parameters:\n- name: env\n  type: string\nstages:\n- stage: deploy_${{ parameters.env }}\n  jobs:\n  - job: deploy\n    steps:\n    - script: deploy ${{ parameters.env }}\n"})
case("template-variables", {"p": "variables:\n- template: vars.yml\n- name: local\n  value: mine\nsteps:\n- script: echo $(shared) ${{ variables.shared }}\n", "vars.yml": "variables:\n- name: shared\n  value: from-template\n"})
case("template-variables-mapping-form", {"p": "variables:\n- template: vars.yml\nsteps:\n- script: echo ${{ variables.a }}\n", "vars.yml": "variables:\n  a: one\n  b: two\n"})
case("template-variables-with-parameters", {"p": "variables:\n- template: vars.yml\n  parameters:\n    config: Release\n- name: label\n  value: build-${{ variables.configuration }}\nsteps:\n- script: echo ${{ variables.label }}\n",
     "vars.yml": "parameters:\n- name: config\n  default: Debug\nvariables:\n- name: configuration\n  value: ${{ parameters.config }}\n"})
case("template-three-levels", {"p": "stages:\n- template: templates/stage.yml\n  parameters:\n    name: build\n",
     "templates/stage.yml": "parameters:\n- name: name\n  type: string\nstages:\n- stage: ${{ parameters.name }}\n  jobs:\n  - template: job.yml\n    parameters:\n      steps: [lint, test]\n",
     "templates/job.yml": "parameters:\n- name: steps\n  type: object\njobs:\n- job: main\n  steps:\n  - ${{ each s in parameters.steps }}:\n    - template: steps/run.yml\n      parameters:\n        what: ${{ s }}\n",
     "templates/steps/run.yml": "parameters:\n- name: what\n  type: string\nsteps:\n- script: make ${{ parameters.what }}\n  displayName: Run ${{ parameters.what }}\n"})
case("template-relative-to-including-file", {"p": "steps:\n- template: a/b/first.yml\n", "a/b/first.yml": "steps:\n- template: ../second.yml\n- template: ./third.yml\n",
     "a/second.yml": "steps:\n- script: echo second\n", "a/b/third.yml": "steps:\n- script: echo third\n"})
case("template-absolute-path-from-repo-root", {"p": "steps:\n- template: deep/dir/t.yml\n", "deep/dir/t.yml": "steps:\n- template: /root.yml\n", "root.yml": "steps:\n- script: echo from root\n"})
case("template-backslash-path", {"p": "steps:\n- template: dir\\t.yml\n", "dir/t.yml": "steps:\n- script: echo backslash\n"})
case("template-from-source", {"p": "steps:\n- template: steps/hello.yml@shared\n", "lib/steps/hello.yml": "steps:\n- template: other.yml@shared\n- template: /steps/root.yml\n",
     "lib/steps/other.yml": "steps:\n- script: echo other in shared\n", "lib/steps/root.yml": "steps:\n- script: echo shared root\n", "options.txt": "source shared=lib\n"},
     note="Inside a template source, x.yml@src and plain paths are relative to the including file; /x.yml to the source's root.")
case("template-self-reference", {"p": "steps:\n- template: t.yml@self\n", "t.yml": "steps:\n- script: echo self\n"})
case("template-unknown-source", {"p": "steps:\n- template: t.yml@nowhere\n"}, error=True)
case("template-missing-file", {"p": "steps:\n- template: missing.yml\n"}, error=True)
case("template-outside-repository", {"p": "steps:\n- template: ../../../outside.yml\n"}, error=True)
case("template-wrong-kind", {"p": "steps:\n- template: jobs.yml\n", "jobs.yml": "jobs:\n- job: x\n  steps:\n  - script: echo\n"}, error=True)
case("template-extra-key-is-an-error", {"p": "steps:\n- template: t.yml\n  displayName: nope\n", "t.yml": STEP_T}, error=True)
case("template-path-from-expression", {"p": "parameters:\n- name: kind\n  default: node\nsteps:\n- template: build-${{ parameters.kind }}.yml\n", "build-node.yml": "steps:\n- script: npm ci\n"})
case("template-picked-by-parameter-with-values", {"p": "jobs:\n- template: jobs/build.yml\n  parameters:\n    platform: golang\n",
     "jobs/build.yml": "parameters:\n- name: platform\n  type: string\n  values: [node, golang]\njobs:\n- job: build\n  steps:\n  - template: ../steps/${{ parameters.platform }}.yml\n",
     "steps/node.yml": "steps:\n- script: npm test\n", "steps/golang.yml": "steps:\n- script: go test ./...\n"})
case("template-error-shows-chain", {"p": "stages:\n- template: s.yml\n", "s.yml": "stages:\n- stage: a\n  jobs:\n  - template: j.yml\n", "j.yml": "jobs:\n- job: x\n  steps:\n  - template: st.yml\n    parameters:\n      n: notanumber\n",
     "st.yml": "parameters:\n- name: n\n  type: number\nsteps:\n- script: echo ${{ parameters.n }}\n"}, error=True)
case("template-error-inside-template-shows-chain", {"p": "steps:\n- template: a.yml\n", "a.yml": "steps:\n- template: b.yml\n", "b.yml": "steps:\n- script: echo ${{ nope }}\n"}, error=True)
case("template-recursion-hits-nesting-limit", {"p": "steps:\n- template: loop.yml\n", "loop.yml": "steps:\n- template: loop.yml\n"}, error=True,
     note="Azure allows 100 levels of template nesting; a template including itself hits that limit.")
many = {"p": "steps:\n" + "".join(f"- template: t{i:03}.yml\n" for i in range(101))}
for i in range(101):
    many[f"t{i:03}.yml"] = f"steps:\n- script: echo {i}\n"
case("template-more-than-100-files", many, error=True, note="Azure allows at most 100 included template files.")
exact = {"p": "steps:\n" + "".join(f"- template: t{i:03}.yml\n" for i in range(100))}
for i in range(100):
    exact[f"t{i:03}.yml"] = f"steps:\n- script: echo {i}\n"
case("template-exactly-100-files", exact)
case("template-reused-counts-once", {"p": "steps:\n" + "- template: t.yml\n" * 150, "t.yml": "steps:\n- script: echo same\n"},
     note="Reading chosen: the 100-file limit counts distinct files, so one template used 150 times is fine.")
case("expanded-size-limit", {"p": "parameters:\n- name: text\n  default: '" + "x" * 1000 + "'\nsteps:\n- ${{ each a in split('" + ",".join(str(i) for i in range(150)) + "', ',') }}:\n  - ${{ each b in split('" + ",".join(str(i) for i in range(150)) + "', ',') }}:\n    - script: echo ${{ parameters.text }}\n"}, error=True,
     note="Azure's limit: the expanded pipeline is at most 20 MB (here 22500 steps of 1 KB).")

# ---- extends
case("extends-basic", {"p": "trigger: [main]\nextends:\n  template: base.yml\n  parameters:\n    name: app\n",
     "base.yml": "parameters:\n- name: name\n  type: string\nstages:\n- stage: build\n  jobs:\n  - job: build\n    steps:\n    - script: build ${{ parameters.name }}\n"})
case("extends-with-steplist-parameter", {"p": "extends:\n  template: safe.yml\n  parameters:\n    userSteps:\n    - script: echo user step\n",
     "safe.yml": "parameters:\n- name: userSteps\n  type: stepList\n  default: []\nsteps:\n- script: echo checks first\n- ${{ each step in parameters.userSteps }}:\n  - ${{ step }}\n- script: echo checks last\n"})
case("extends-keeps-root-variables", {"p": "variables:\n  v: root\nextends:\n  template: base.yml\n", "base.yml": "steps:\n- script: echo ${{ variables.v }}\n"})
case("extends-duplicate-key-is-an-error", {"p": "variables:\n  v: root\nextends:\n  template: base.yml\n", "base.yml": "variables:\n  w: base\nsteps:\n- script: echo\n"}, error=True)
case("extends-with-steps-is-an-error", {"p": "steps:\n- script: echo\nextends:\n  template: base.yml\n", "base.yml": "steps:\n- script: echo\n"}, error=True)
case("extends-nested", {"p": "extends:\n  template: middle.yml\n", "middle.yml": "extends:\n  template: inner.yml\n  parameters:\n    who: middle\n",
     "inner.yml": "parameters:\n- name: who\n  type: string\njobs:\n- job: j\n  steps:\n  - script: echo extended by ${{ parameters.who }}\n"})
case("extends-without-template-is-an-error", {"p": "extends:\n  parameters: {}\n"}, error=True)
