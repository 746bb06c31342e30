# Containers and Kubernetes (issue 7). Included from the top-level Makefile:
#   include deploy/compose.mk
# make images        build wormhole/<process>:local (FROM scratch) for every built binary
# make test-compose  build, docker-compose up, black-box smoke flow, stop times, down -v;
#                    then chat and notes with two shards each (deploy/compose.shards.yaml)
#                    (installs docker.io + docker-compose and starts dockerd when needed)
# make test-k8s      kubectl kustomize + schema validation of every object (deploy/k8s)
.PHONY: images test-compose test-k8s

images:
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory all
	@deploy/docker/with-dockerd.sh deploy/docker/build-images.sh

test-compose:
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory all
	@deploy/docker/with-dockerd.sh sh -c 'tests/compose/smoke.sh && tests/compose/shards.sh'

test-k8s:
	@deploy/k8s/validate.sh
