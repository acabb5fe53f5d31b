# Cases: variables, shorthands, defaults, dependsOn, steps and tasks, normalization.
from cases_functions import case

case("variables-mapping-form", {"p": "variables:\n  a: one\n  b: two\nsteps:\n- script: echo $(a)\n"})
case("variables-list-form-normalized", {"p": "variables:\n- name: a\n  value: one\n- name: b\n  value: two\n  readonly: true\nsteps:\n- script: echo $(b)\n"})
case("variables-group-is-kept-in-order", {"p": "variables:\n- name: a\n  value: one\n- group: my-secrets\n- name: b\n  value: two\nsteps:\n- script: echo\n"},
     note="Variables that name a group stay Azure's list, in order: only the runner knows the group's values, and a later item overrides an earlier one.")
case("variables-group-from-template-is-kept", {"p": "variables:\n- template: v.yml\nsteps:\n- script: echo\n", "v.yml": "variables:\n- group: shared\n"})
case("variables-group-with-other-key", {"p": "variables:\n- group: shared\n  value: x\nsteps:\n- script: echo\n"}, error=True)
case("variables-group-without-name", {"p": "variables:\n- group:\n    name: shared\nsteps:\n- script: echo\n"}, error=True)
case("variables-compile-time-in-order", {"p": "variables:\n  first: one\n  second: ${{ variables.first }}-two\n  third: ${{ variables.fourth }}\n  fourth: four\nsteps:\n- script: echo ${{ variables.second }} [${{ variables.third }}]\n"},
     note="${{ variables.x }} sees only variables defined before it; a later one reads as empty.")
case("variables-stage-and-job-scopes", {"p": "variables:\n  level: pipeline\nstages:\n- stage: a\n  variables:\n    level: stage\n  jobs:\n  - job: one\n    variables:\n      level: job\n    steps:\n    - script: echo ${{ variables.level }}\n  - job: two\n    steps:\n    - script: echo ${{ variables.level }}\n- stage: b\n  jobs:\n  - job: three\n    steps:\n    - script: echo ${{ variables.level }}\n"})
case("variables-conditional-entries", {"p": "parameters:\n- name: release\n  type: boolean\n  default: true\nvariables:\n  ${{ if parameters.release }}:\n    config: Release\n  ${{ else }}:\n    config: Debug\n  always: yes\nsteps:\n- script: echo $(config)\n"})
case("variables-each-in-list-form", {"p": "variables:\n- ${{ each n in split('a,b', ',') }}:\n  - name: var_${{ n }}\n    value: value_${{ n }}\nsteps:\n- script: echo\n"})
case("variables-from-parameter-object", {"p": "parameters:\n- name: vars\n  type: object\n  default:\n  - name: x\n    value: from-param\nvariables: ${{ parameters.vars }}\nsteps:\n- script: echo ${{ variables.x }}\n"})
case("variables-non-string-value-is-an-error", {"p": "variables:\n  a:\n    nested: map\nsteps:\n- script: echo\n"}, error=True)
case("variables-entry-without-name", {"p": "variables:\n- value: orphan\nsteps:\n- script: echo\n"}, error=True)
case("variables-runtime-expression-verbatim", {"p": "variables:\n  isMain: $[eq(variables['Build.SourceBranch'], 'refs/heads/main')]\nsteps:\n- script: echo $(isMain)\n"})

# ---- shorthands and defaults
case("jobs-only-shorthand", {"p": "jobs:\n- job: a\n  steps:\n  - script: echo a\n- job: b\n  steps:\n  - script: echo b\n"})
case("stages-full-form", {"p": "stages:\n- stage: build\n  displayName: Build it\n  jobs:\n  - job: compile\n    displayName: Compile\n    steps:\n    - script: make\n- stage: test\n  jobs:\n  - job: unit\n    steps:\n    - script: make test\n"})
case("stages-default-dependson-is-previous", {"p": "stages:\n- stage: a\n  jobs:\n  - job: j\n    steps: [{script: echo a}]\n- stage: b\n  jobs:\n  - job: j\n    steps: [{script: echo b}]\n- stage: c\n  jobs:\n  - job: j\n    steps: [{script: echo c}]\n"})
case("stages-explicit-empty-dependson", {"p": "stages:\n- stage: a\n  jobs:\n  - job: j\n    steps: [{script: echo a}]\n- stage: b\n  dependsOn: []\n  jobs:\n  - job: j\n    steps: [{script: echo b}]\n"})
case("stages-dependson-string-becomes-list", {"p": "stages:\n- stage: a\n  jobs:\n  - job: j\n    steps: [{script: echo}]\n- stage: b\n  jobs:\n  - job: j\n    steps: [{script: echo}]\n- stage: c\n  dependsOn: a\n  jobs:\n  - job: j\n    steps: [{script: echo}]\n"})
case("stages-dependson-list", {"p": "stages:\n- stage: a\n  jobs: [{job: j, steps: [{script: echo}]}]\n- stage: b\n  dependsOn: []\n  jobs: [{job: j, steps: [{script: echo}]}]\n- stage: c\n  dependsOn: [a, b]\n  jobs: [{job: j, steps: [{script: echo}]}]\n"})
case("stages-unknown-dependson", {"p": "stages:\n- stage: build\n  jobs: [{job: j, steps: [{script: echo}]}]\n- stage: deploy\n  dependsOn: biuld\n  jobs: [{job: j, steps: [{script: echo}]}]\n"}, error=True)
case("stages-cyclic-dependson", {"p": "stages:\n- stage: a\n  dependsOn: c\n  jobs: [{job: j, steps: [{script: echo}]}]\n- stage: b\n  jobs: [{job: j, steps: [{script: echo}]}]\n- stage: c\n  jobs: [{job: j, steps: [{script: echo}]}]\n"}, error=True)
case("stages-duplicate-name", {"p": "stages:\n- stage: a\n  jobs: [{job: j, steps: [{script: echo}]}]\n- stage: a\n  jobs: [{job: j, steps: [{script: echo}]}]\n"}, error=True)
case("stages-default-names", {"p": "stages:\n- stage:\n  jobs: [{job: j, steps: [{script: echo}]}]\n- stage:\n  jobs: [{job: j, steps: [{script: echo}]}]\n"},
     note="Reading chosen: unnamed stages are __default, __default_2, ... (Azure's name for the implicit stage).")
case("stages-invalid-name", {"p": "stages:\n- stage: build-it\n  jobs: [{job: j, steps: [{script: echo}]}]\n"}, error=True,
     note="Stage and job names use A-Z, a-z, 0-9 and _ (Azure's schema).")
case("stages-condition-kept", {"p": "stages:\n- stage: a\n  jobs: [{job: j, steps: [{script: echo}]}]\n- stage: b\n  condition: and(succeeded(), eq(variables['Build.SourceBranch'], 'refs/heads/main'))\n  jobs: [{job: j, steps: [{script: echo}]}]\n"})
case("stages-extra-keys-kept", {"p": "stages:\n- stage: deploy\n  lockBehavior: sequential\n  pool: mypool\n  jobs: [{job: j, steps: [{script: echo}]}]\n"})
case("jobs-default-dependson-is-empty", {"p": "jobs:\n- job: a\n  steps: [{script: echo}]\n- job: b\n  steps: [{script: echo}]\n- job: c\n  dependsOn: [a, b]\n  steps: [{script: echo}]\n"})
case("jobs-unknown-dependson", {"p": "jobs:\n- job: a\n  steps: [{script: echo}]\n- job: b\n  dependsOn: x\n  steps: [{script: echo}]\n"}, error=True)
case("jobs-cyclic-dependson", {"p": "jobs:\n- job: a\n  dependsOn: b\n  steps: [{script: echo}]\n- job: b\n  dependsOn: a\n  steps: [{script: echo}]\n"}, error=True)
case("jobs-self-dependency", {"p": "jobs:\n- job: a\n  dependsOn: a\n  steps: [{script: echo}]\n"}, error=True)
case("jobs-duplicate-name", {"p": "jobs:\n- job: a\n  steps: [{script: echo}]\n- job: a\n  steps: [{script: echo}]\n"}, error=True)
case("jobs-default-names", {"p": "jobs:\n- job:\n  steps: [{script: echo 1}]\n- job:\n  steps: [{script: echo 2}]\n- job: named\n  steps: [{script: echo 3}]\n"},
     note="Reading chosen: unnamed jobs are Job, Job_2, Job_3 ... (Azure's single default job is 'Job').")
case("jobs-properties-normalized", {"p": "jobs:\n- job: a\n  timeoutInMinutes: 30\n  cancelTimeoutInMinutes: 2\n  continueOnError: yes\n  workspace:\n    clean: all\n  pool:\n    vmImage: ubuntu-latest\n  strategy:\n    matrix:\n      linux: {os: linux}\n      mac: {os: mac}\n    maxParallel: 2\n  condition: always()\n  steps: [{script: echo $(os)}]\n"})
case("jobs-deployment-runonce", {"p": "jobs:\n- deployment: ship\n  environment: prod\n  strategy:\n    runOnce:\n      preDeploy:\n        steps:\n        - script: echo pre\n      deploy:\n        steps:\n        - download: current\n          artifact: app\n        - bash: ./deploy.sh\n"})
case("jobs-deployment-bad-step-in-hook", {"p": "jobs:\n- deployment: ship\n  environment: prod\n  strategy:\n    runOnce:\n      deploy:\n        steps:\n        - task: AzureCLI\n"}, error=True)
case("jobs-continueonerror-invalid", {"p": "jobs:\n- job: a\n  continueOnError: sometimes\n  steps: [{script: echo}]\n"}, error=True)
case("pipeline-root-keys-in-order", {"p": "steps:\n- script: echo\nresources:\n  repositories:\n  - repository: tools\n    type: git\n    name: org/tools\npr: none\ntrigger:\n  branches:\n    include: [main]\nname: $(Date:yyyyMMdd)$(Rev:.r)\nvariables:\n  v: 1\n"})
case("pipeline-root-job-properties-go-to-the-job", {"p": "pool:\n  vmImage: ubuntu-latest\ntimeoutInMinutes: 10\nstrategy:\n  parallel: 2\nsteps:\n- script: echo\n"})
case("pipeline-empty-file", {"p": ""}, error=True)
case("pipeline-without-work", {"p": "trigger: none\n"}, error=True)
case("pipeline-both-jobs-and-steps", {"p": "jobs:\n- job: a\n  steps: [{script: echo}]\nsteps:\n- script: echo\n"}, error=True)
case("pipeline-not-a-mapping", {"p": "- just\n- a list\n"}, error=True)
case("pipeline-yaml-syntax-error", {"p": "steps:\n- script: echo\n  bad: [unclosed\n"}, error=True)
case("pipeline-name-with-expression", {"p": "parameters:\n- name: label\n  default: nightly\nname: $(Date:yyyyMMdd).$(Rev:r)-${{ parameters.label }}\nsteps:\n- script: echo\n"})

# ---- steps and tasks
case("steps-default-display-names", {"p": "steps:\n- checkout: self\n- script: echo\n- bash: echo\n- task: Bash@3\n  inputs:\n    targetType: inline\n    script: echo\n- task: CmdLine@2\n  inputs:\n    script: echo\n- publish: out/app.tar.gz\n  artifact: app\n- download: current\n  artifact: app\n- task: PublishPipelineArtifact@1\n  inputs:\n    targetPath: out\n- task: DownloadPipelineArtifact@2\n- task: SlipwayVersion@1\n"})
case("steps-properties-in-contract-order", {"p": "steps:\n- bash: ./run.sh\n  workingDirectory: app\n  enabled: false\n  retryCountOnTaskFailure: 2\n  timeoutInMinutes: 5\n  continueOnError: true\n  condition: succeeded()\n  env:\n    K: V\n  name: runner\n  displayName: Run it\n"})
case("steps-checkout-options", {"p": "steps:\n- checkout: self\n  fetchDepth: 1\n  clean: true\n  path: src\n- checkout: none\n"})
case("steps-pwsh-is-kept", {"p": "steps:\n- pwsh: Write-Host hi\n  errorActionPreference: stop\n"})
case("steps-powershell-in-template-is-kept", {"p": "steps:\n- template: t.yml\n", "t.yml": "steps:\n- powershell: Write-Host hi\n"})
case("steps-any-task-is-kept", {"p": "steps:\n- task: AzureCLI@2\n  inputs:\n    scriptType: bash\n- task: UsePythonVersion@0.206.0\n- task: stevedower.python.InstallPython.InstallPython@1\n- task: Bash@2\n"},
     note="Any task NAME@VERSION expands (VERSION a major or a full version; NAME may be a marketplace publisher.extension.task name); whether it runs here is for the runner and `slipway pipeline check`.")
case("steps-task-without-version-in-template-shows-chain", {"p": "jobs:\n- template: j.yml\n", "j.yml": "jobs:\n- job: a\n  steps:\n  - task: NuGetCommand\n"}, error=True)
case("steps-task-bad-version", {"p": "steps:\n- task: Bash@three\n"}, error=True)
case("steps-unknown-step-kind", {"p": "steps:\n- assert: failure\n"}, error=True)
case("steps-unknown-property", {"p": "steps:\n- script: echo\n  displayname: typo\n"}, error=True)
case("steps-two-kinds", {"p": "steps:\n- script: echo\n  bash: echo\n"}, error=True)
case("steps-continueonerror-yaml-booleans", {"p": "steps:\n" + "".join(f"- script: echo {v}\n  continueOnError: {v}\n" for v in ["yes", "no", "y", "n", "TRUE", "False", "on", "off"])},
     note="continueOnError accepts YAML 1.1 booleans in any case (Azure); they normalize to 'true'/'false'.")
case("steps-continueonerror-invalid", {"p": "steps:\n- script: echo\n  continueOnError: '#'\n"}, error=True)
case("steps-not-a-mapping", {"p": "steps:\n- just text\n"}, error=True)
case("steps-azure-step-forms-are-kept", {"p": "steps:\n- upload: manifests\n  artifact: manifests\n- downloadBuild: current\n  artifact: drop\n  path: $(Pipeline.Workspace)/drop\n- getPackage: pkg\n  path: out\n- reviewApp: review\n"},
     note="Azure's step forms other than the ones slipway runs (upload, downloadBuild, getPackage, reviewApp) are kept with their keys.")
