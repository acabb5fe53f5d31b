# PublishTestResults@2 on results real tools wrote: node's test runner and
# ctest (--output-junit), both JUnit. The step records totals and failures
# with the run (`slipway tests RUN`, `runs --json`), fails only when its
# inputs ask, warns (or fails when asked) when no file matches, and keeps
# secrets out of what it records.
source "$(dirname "$0")/common.sh"
command -v node >/dev/null || skip "node is not installed"
command -v ctest >/dev/null || skip "ctest is not installed"
cd "$TMP"

cat > tests.yml <<'YAML'
steps:
- bash: echo "##vso[task.setvariable variable=token;issecret=true]s3cr3t-token"
  displayName: a secret
- bash: |
    mkdir -p t results
    cat > t/cart.test.js <<'JS'
    const test = require('node:test'); const assert = require('node:assert');
    test('adds', () => assert.strictEqual(1 + 1, 2));
    test('totals', () => assert.strictEqual(process.env.SHOWN + ' 2', 'x 3'));
    test('later', { skip: true }, () => {});
    JS
    node --test --test-reporter=junit --test-reporter-destination=results/TEST-node.xml t/ || echo "node tests failed"
  env: {SHOWN: $(token)}
  displayName: node tests
- bash: |
    mkdir -p c && cd c
    printf 'cmake_minimum_required(VERSION 3.21)\nproject(c NONE)\nenable_testing()\nadd_test(NAME ok COMMAND true)\nadd_test(NAME broken COMMAND false)\n' > CMakeLists.txt
    cmake -S . -B build >/dev/null && cd build && { ctest --output-junit ../../results/TEST-ctest.xml >/dev/null || echo "ctest failed"; }
  displayName: ctest
- task: PublishTestResults@2
  displayName: Publish test results
  inputs:
    testRunner: JUnit
    testRunTitle: unit
    failTaskOnFailedTests: false
YAML
expect_exit 0 "$SLIPWAY" run --file tests.yml --follow
expect_contains "$OUT" "results/TEST-node.xml: 3 tests, 1 failed, 1 skipped"
expect_contains "$OUT" "results/TEST-ctest.xml: 2 tests, 1 failed, 0 skipped"
expect_contains "$OUT" "test results: 5 tests in 2 files: 2 passed, 2 failed, 1 skipped"

expect_exit 0 "$SLIPWAY" tests 1
expect_contains "$OUT" "Publish test results (unit): 5 tests in 2 JUnit files: 2 passed, 2 failed, 1 skipped"
expect_contains "$OUT" "FAILED test.totals (results/TEST-node.xml"
expect_contains "$OUT" "Expected values to be strictly equal"
expect_contains "$OUT" "*** 2"
[[ $OUT != *s3cr3t-token* ]] || die "the secret reached the test results: $OUT"
expect_contains "$OUT" "FAILED "
expect_contains "$OUT" "broken (results/TEST-ctest.xml"
expect_exit 0 "$SLIPWAY" tests 1 --json
expect_contains "$OUT" '"failed": 2'
expect_exit 0 "$SLIPWAY" runs --json
expect_contains "$OUT" '"tests": {'
expect_contains "$OUT" '"total": 5'
expect_exit 0 "$SLIPWAY" runs
expect_contains "$OUT" "tests 2/5 passed, 2 failed"

# Failing on failures only when asked.
sed 's/failTaskOnFailedTests: false/failTaskOnFailedTests: true/' tests.yml > strict.yml
expect_exit 1 "$SLIPWAY" run --file strict.yml --json
expect_contains "$OUT" '"reason": "there are test failures: 2 tests failed"'

# No file: a warning, or a failure naming the pattern when asked.
printf 'steps:\n- task: PublishTestResults@2\n' > none.yml
expect_exit 0 "$SLIPWAY" run --file none.yml --follow
expect_contains "$OUT" "##[warning]no test result files matching '**/TEST-*.xml' were found under"
printf 'steps:\n- task: PublishTestResults@2\n  inputs: {testResultsFiles: "out/*.trx", failTaskOnMissingResultsFile: true}\n' > missing.yml
expect_exit 1 "$SLIPWAY" run --file missing.yml --json
expect_contains "$OUT" "no test result files matching 'out/*.trx' were found under"
printf 'steps:\n- task: PublishTestResults@2\n  inputs: {testResultsFormat: TAP}\n' > tap.yml
expect_exit 1 "$SLIPWAY" run --file tap.yml --json
expect_contains "$OUT" "testResultsFormat 'TAP' is not one of JUnit, NUnit, XUnit, VSTest"

# Coverage: a Cobertura report gcovr writes from a real gcc --coverage run.
if command -v gcovr >/dev/null && command -v gcc >/dev/null; then
  cat > coverage.yml <<'YAML'
steps:
- bash: |
    printf 'int f(int x) {\n  if (x > 0)\n    return 1;\n  return 2;\n}\nint main(void) { return f(1) - 1; }\n' > m.c
    gcc --coverage -O0 m.c -o m && ./m && gcovr --cobertura coverage.xml .
- task: PublishCodeCoverageResults@1
  inputs: {codeCoverageTool: Cobertura, summaryFileLocation: '**/coverage.xml'}
- task: PublishCodeCoverageResults@1
  inputs: {summaryFileLocation: '**/coverage.xml'}
  continueOnError: true
YAML
  expect_exit 0 "$SLIPWAY" run --file coverage.yml --json
  id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$OUT")
  expect_contains "$OUT" "coverage.xml: a Cobertura report, not JaCoCo"
  expect_exit 0 "$SLIPWAY" tests "$id"
  expect_contains "$OUT" "coverage 4 of 5 lines (80.0%), 1 of 2 branches (Cobertura)"
  expect_exit 0 "$SLIPWAY" runs --json
  expect_contains "$OUT" '"linesCovered": 4'
fi
