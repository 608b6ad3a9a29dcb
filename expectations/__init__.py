"""Great Expectations 1.x suites as code, and the runner that turns results into review rows."""
