#!/usr/bin/env python3
"""Writes a benchmark workspace: N components (default 1000), each with an
azure-pipelines.yml built from a three-level template tree
(stage -> job -> step templates, with ${{ each }} and ${{ if }}).

usage: gen.py OUT_DIR [N]
"""
import os, sys

out = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
t = os.path.join(out, "templates")

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)

write(os.path.join(t, "stages/build.yml"), """parameters:
- name: component
  type: string
- name: platforms
  type: object
  default: [linux]
- name: deploy
  type: boolean
  default: false
- name: envs
  type: object
  default: [dev]
stages:
- stage: build
  displayName: Build ${{ parameters.component }}
  variables:
    component: ${{ parameters.component }}
  jobs:
  - ${{ each platform in parameters.platforms }}:
    - template: ../jobs/build.yml
      parameters:
        component: ${{ parameters.component }}
        platform: ${{ platform }}
        tests: ${{ ne(platform, 'windows') }}
- ${{ if parameters.deploy }}:
  - ${{ each env in parameters.envs }}:
    - stage: deploy_${{ env }}
      dependsOn: build
      jobs:
      - template: ../jobs/deploy.yml
        parameters:
          component: ${{ parameters.component }}
          env: ${{ env }}
""")
write(os.path.join(t, "jobs/build.yml"), """parameters:
- name: component
  type: string
- name: platform
  type: string
  values: [linux, mac, windows]
- name: tests
  type: boolean
  default: true
jobs:
- job: build_${{ parameters.platform }}
  displayName: Build ${{ parameters.component }} on ${{ parameters.platform }}
  timeoutInMinutes: 30
  steps:
  - checkout: self
  - template: ../steps/compile.yml
    parameters:
      component: ${{ parameters.component }}
      flags: [--release, '--target=${{ parameters.platform }}']
  - ${{ if parameters.tests }}:
    - template: ../steps/test.yml
      parameters:
        suites: [unit, integration]
  - template: ../steps/publish.yml
    parameters:
      name: ${{ parameters.component }}-${{ parameters.platform }}
""")
write(os.path.join(t, "jobs/deploy.yml"), """parameters:
- name: component
  type: string
- name: env
  type: string
jobs:
- deployment: deploy
  environment: ${{ parameters.env }}
  strategy:
    runOnce:
      deploy:
        steps:
        - download: current
          artifact: ${{ parameters.component }}-linux
        - bash: ./deploy.sh ${{ parameters.component }} ${{ parameters.env }}
          displayName: Deploy to ${{ parameters.env }}
""")
write(os.path.join(t, "steps/compile.yml"), """parameters:
- name: component
  type: string
- name: flags
  type: object
  default: []
steps:
- script: make ${{ join(' ', parameters.flags) }} COMPONENT=${{ parameters.component }}
  displayName: Compile ${{ parameters.component }}
  env:
    ${{ each flag in parameters.flags }}:
      FLAG_${{ replace(replace(replace(flag, '-', ''), '=', '_'), '.', '_') }}: ${{ flag }}
""")
write(os.path.join(t, "steps/test.yml"), """parameters:
- name: suites
  type: object
steps:
- ${{ each suite in parameters.suites }}:
  - bash: make test-${{ suite }}
    displayName: Test ${{ suite }}
    ${{ if eq(suite, 'integration') }}:
      timeoutInMinutes: 20
      retryCountOnTaskFailure: 1
""")
write(os.path.join(t, "steps/publish.yml"), """parameters:
- name: name
  type: string
steps:
- publish: $(Build.ArtifactStagingDirectory)
  artifact: ${{ parameters.name }}
  displayName: Publish ${{ parameters.name }}
""")

platform_sets = ["[linux]", "[linux, mac]", "[linux, mac, windows]"]
for i in range(count):
    name = f"c{i:04}"
    deploy = "true" if i % 2 == 0 else "false"
    write(os.path.join(out, "components", name, "azure-pipelines.yml"), f"""trigger:
  branches:
    include: [main]
variables:
  owner: team{i % 7}
stages:
- template: stages/build.yml@templates
  parameters:
    component: {name}
    platforms: {platform_sets[i % 3]}
    deploy: {deploy}
    envs: [dev, staging]
""")
print(f"wrote {count} components to {out}")
