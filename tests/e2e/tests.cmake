# Each line registers tests/e2e/<name>.sh.
slipway_e2e_test(cli_basics)
slipway_e2e_test(init)
slipway_e2e_test(workspace_cli)
slipway_e2e_test(run_pipeline)
slipway_e2e_test(version_repo)
slipway_e2e_test(example_services)
slipway_e2e_test(run_retry_recovery)
slipway_e2e_test(run_acme)
