"""A faithful offline AWS for Cognito User Pools, Identity Pools and IAM on S3 and DynamoDB.

Built on moto: `engine.install()` closes the gaps that would mislead a
learner (see each module's docstring). Run it in-process with
`engine.in_process()` or as a local endpoint with `server.serve()`.
This package imports nothing from the rest of `helpers`.
"""
