# The two commands a newcomer needs. Both set everything up first.
.PHONY: run test
run:
	scripts/run.sh
test:
	scripts/test.sh
