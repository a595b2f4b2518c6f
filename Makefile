# kiln: the two entry points the README opens with.
#   make run   installs what is missing, builds kiln, runs the example
#   make test  installs what is missing, builds kiln and runs every test
BUILD_DIR ?= build
JOBS ?= $(shell nproc)

.PHONY: run test build deps deps-test clean bench

deps:
	@bash scripts/install-deps.sh build

deps-test:
	@bash scripts/install-deps.sh build test bench

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja

build: deps $(BUILD_DIR)/build.ninja
	ninja -C $(BUILD_DIR) -j $(JOBS)

run: build
	@bash scripts/install-deps.sh docker
	bash scripts/run-example.sh $(BUILD_DIR)/kiln

test: deps-test $(BUILD_DIR)/build.ninja
	ninja -C $(BUILD_DIR) -j $(JOBS)
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	bash bench/run.sh $(BUILD_DIR)/kiln

clean:
	rm -rf $(BUILD_DIR)
