# Azure task folders built on the real azure-pipelines-task-lib (npm, from
# tests/e2e/task-lib's lockfile): a workspace's `tasks:` folder runs as
# Azure's agent runs it (inputs by name and alias, defaults, filePath rooted,
# secrets through the task-lib's vault, output variables, task.complete and
# the lib's own failures), `pipeline check` names the folder, `task add`
# takes a zip (permission task, never replacing a version) and `run` uses it.
source "$(dirname "$0")/common.sh"
command -v node >/dev/null || skip "node is not installed"
command -v npm >/dev/null || skip "npm is not installed"

# The task-lib is installed once per build folder, from the lockfile.
lib=$(dirname "$SLIPWAY")/e2e-task-lib
lock=$SLIPWAY_SOURCE_DIR/tests/e2e/task-lib/package-lock.json
if ! cmp -s "$lock" "$lib/package-lock.json" || [[ ! -d $lib/node_modules/azure-pipelines-task-lib ]]; then
  rm -rf "$lib" && mkdir -p "$lib"
  cp "$SLIPWAY_SOURCE_DIR/tests/e2e/task-lib/package.json" "$lock" "$lib/"
  npm ci --prefix "$lib" --no-audit --no-fund --loglevel=error >"$TMP/npm.log" 2>&1 ||
    skip "npm could not install azure-pipelines-task-lib: $(tail -3 "$TMP/npm.log")"
fi

cd "$TMP"
# make_task DIR MAJOR: the Greet task, as azure-pipelines-tasks lays one out.
make_task() {
  mkdir -p "$1"
  cp -r "$lib/node_modules" "$1/"
  cat >"$1/task.json" <<JSON
{
  "id": "5b4a2e0c-9d55-4a9f-8a44-0f3c0e7f2b61",
  "name": "Greet",
  "friendlyName": "Greet",
  "version": {"Major": $2, "Minor": 1, "Patch": 0},
  "inputs": [
    {"name": "greeting", "type": "string", "label": "Greeting", "defaultValue": "hello", "required": true, "aliases": ["salutation"]},
    {"name": "who", "type": "string", "defaultValue": "world"},
    {"name": "loud", "type": "boolean", "defaultValue": "false"},
    {"name": "reportFile", "type": "filePath", "defaultValue": "greeting.txt"},
    {"name": "fail", "type": "boolean", "defaultValue": "false"}
  ],
  "messages": {"Refused": "refusing to greet %s"},
  "execution": {"Node16": {"target": "old.js"}, "Node20_1": {"target": "index.js"}}
}
JSON
  cat >"$1/index.js" <<JS
const tl = require('azure-pipelines-task-lib/task');
const path = require('path');
try {
  tl.setResourcePath(path.join(__dirname, 'task.json'));
  const who = tl.getInput('who');
  let text = tl.getInput('greeting', true) + ', ' + who + ' (v$2)';
  if (tl.getBoolInput('loud')) text = text.toUpperCase();
  console.log(text);
  const report = tl.getPathInput('reportFile');
  const sources = tl.getVariable('Build.SourcesDirectory');
  console.log('report in sources: ' + report.startsWith(sources + path.sep));
  const token = tl.getVariable('token');
  console.log('token: ' + token + ' (' + (token || '').length + ' chars, env ' + (process.env.SECRET_TOKEN === undefined ? 'cleared' : 'kept') + ')');
  tl.mkdirP(path.dirname(report));
  tl.writeFile(report, text + '\n');
  tl.setVariable('greeted', who, false, true);
  if (tl.getBoolInput('fail')) tl.setResult(tl.TaskResult.Failed, tl.loc('Refused', who));
  else tl.setResult(tl.TaskResult.Succeeded, 'greeted ' + who);
} catch (err) {
  tl.setResult(tl.TaskResult.Failed, err.message);
}
JS
  echo 'process.exit(3)' >"$1/old.js"  # the older handler is not the one run
}

mkdir -p ws/app ws/tasks
make_task ws/tasks/greet 1
cat > ws/slipway.yaml <<'YAML'
product: {name: p, version: "1.0"}
variable_groups:
  shared:
    values: {region: eu}
    secrets: {token: E2E_TASK_TOKEN}
components:
  app:
    repo: app
roles:
  admin: [frank]
  developer: [dana]
tasks:
  - tasks/greet
YAML
cat > ws/app/azure-pipelines.yml <<'YAML'
variables:
- group: shared
steps:
- task: Greet@1
  name: hello
  inputs: {salutation: hi, who: team, loud: true, reportFile: out/greeting.txt}
- bash: echo "output=$(hello.greeted) file=$(cat out/greeting.txt)"
- task: Greet@1
  displayName: defaults
- bash: echo "default report=$(cat greeting.txt)"
YAML
(cd ws/app && git init -q -b main && git add . && git commit -qm init)
export SLIPWAY_USER=dana E2E_TASK_TOKEN=s3cr3t-task-value

expect_exit 0 "$SLIPWAY" -C ws pipeline check app
expect_contains "$OUT" "runs with task folder $TMP/ws/tasks/greet (Greet@1.1.0, Node20_1)"

expect_exit 0 "$SLIPWAY" -C ws run app --follow
expect_contains "$OUT" "HI, TEAM (V1)"
expect_contains "$OUT" "report in sources: true"
expect_contains "$OUT" "token: *** (17 chars, env cleared)"
expect_contains "$OUT" "output=team file=HI, TEAM (V1)"
expect_contains "$OUT" "hello, world (v1)"
expect_contains "$OUT" "default report=hello, world (v1)"
[[ $OUT != *s3cr3t-task-value* ]] || die "the secret was printed: $OUT"

# task.complete from the lib's setResult fails the step with its message;
# a required input given empty fails in the lib, as on Azure.
cat > ws/app/azure-pipelines.yml <<'YAML'
steps:
- task: Greet@1
  inputs: {fail: true, who: bob}
- task: Greet@1
  condition: always()
  inputs: {greeting: ''}
YAML
git -C ws/app commit -qam "ci: fail"
expect_exit 1 "$SLIPWAY" -C ws run app --follow
expect_contains "$OUT" "refusing to greet bob"
expect_contains "$OUT" "Input required: greeting"
expect_exit 1 "$SLIPWAY" -C ws run app --json
expect_contains "$OUT" '"reason": "task.complete result=Failed"'

# A task no folder has is refused before the run starts, at its position.
printf 'steps:\n- task: Greet@2\n' > ws/app/azure-pipelines.yml
git -C ws/app commit -qam "ci: v2"
expect_exit 2 "$SLIPWAY" -C ws run app
expect_contains "$ERR" "azure-pipelines.yml:2:3: task 'Greet@2' is not supported: no built-in and no task folder has it"

# task add: a zip of version 2, as a packaging script makes it.
make_task greet-v2 2
python3 -c 'import shutil,sys; shutil.make_archive(sys.argv[1], "zip", ".", sys.argv[2])' greet-v2 greet-v2
expect_exit 1 "$SLIPWAY" -C ws task add greet-v2.zip
expect_contains "$ERR" "dana may not add task $TMP/greet-v2.zip: needs permission task"
SLIPWAY_USER=frank expect_exit 0 "$SLIPWAY" -C ws task add greet-v2.zip
expect_contains "$OUT" "added task Greet@2.1.0 (Node20_1) in $TMP/ws/.slipway/tasks/Greet@2.1.0"
SLIPWAY_USER=frank expect_exit 1 "$SLIPWAY" -C ws task add greet-v2
expect_contains "$ERR" "task Greet@2.1.0 is already added"
SLIPWAY_USER=frank expect_exit 1 "$SLIPWAY" -C ws task add ws/tasks/greet
expect_contains "$ERR" "task Greet@1.1.0 is already in the workspace's tasks:"
printf '{"name": "Bad"' > bad.json && mkdir bad && mv bad.json bad/task.json
SLIPWAY_USER=frank expect_exit 2 "$SLIPWAY" -C ws task add bad
expect_contains "$ERR" "bad/task.json:1:15: not valid JSON"
expect_exit 0 "$SLIPWAY" -C ws task list
expect_contains "$OUT" "Greet@1.1.0  Node20_1  $TMP/ws/tasks/greet"
expect_contains "$OUT" "Greet@2.1.0  Node20_1  $TMP/ws/.slipway/tasks/Greet@2.1.0"
if command -v sqlite3 >/dev/null; then  # recorded once, by who added it
  [[ $(sqlite3 ws/.slipway/state.db "SELECT actor || ' ' || subject FROM events WHERE kind = 'task.added'") == "frank Greet@2.1.0" ]] ||
    die "task.added events: $(sqlite3 ws/.slipway/state.db "SELECT * FROM events WHERE kind = 'task.added'")"
fi
ls -a ws/.slipway/tasks | grep -q '^\.add-' && die "a scratch folder was left: $(ls -a ws/.slipway/tasks)"

expect_exit 0 "$SLIPWAY" -C ws run app --follow
expect_contains "$OUT" "hello, world (v2)"
