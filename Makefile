# Wormhole backend. `make` builds everything, `make run` starts the whole system on local
# defaults, `make test` runs unit and black-box tests. Both install missing Debian packages.
CC      ?= cc
PKGS    := libmicrohttpd msgpack jansson sqlite3 libcurl openssl libqrencode libmagic zlib
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE -MMD -MP \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  := -Wl,--as-needed $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lnng -lwslay -lpthread -lm
BUILD   := build
BIN     := $(BUILD)/bin

# A program directory builds when it has C sources; main.c holds main(), everything else
# goes into a per-directory archive that the unit tests link too.
PROGRAMS := $(foreach d,gateway svc-space svc-chat svc-notes svc-wallet svc-storage,\
              $(if $(wildcard $(d)/*.c),$(d)))
COMMON_SRC := $(wildcard common/*.c)
COMMON_LIB := $(BUILD)/common/libcommon.a

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
lib_of = $(BUILD)/$(1)/lib$(1).a

.PHONY: all deps run test unit blackbox bench clean help
TOOLS := $(patsubst tests/tools/%.c,$(BIN)/%,$(wildcard tests/tools/*.c))
all: $(addprefix $(BIN)/,$(PROGRAMS)) $(BIN)/unit-tests $(BIN)/hello-mhd $(TOOLS)

# Test tools: one program per file, linked with common.
$(BIN)/%: $(BUILD)/tests/tools/%.o $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(COMMON_LIB): $(call obj,$(COMMON_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

define program_rules
$(call lib_of,$(1)): $(call obj,$(filter-out $(1)/main.c,$(wildcard $(1)/*.c)))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^ $(BUILD)/common/empty.o
# whole-archive: modules reached only through weak references (gateway) still link in
$(BIN)/$(1): $(call obj,$(1)/main.c) $(call lib_of,$(1)) $(COMMON_LIB)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) -o $$@ $(call obj,$(1)/main.c) -Wl,--whole-archive $(call lib_of,$(1)) \
	  -Wl,--no-whole-archive $(COMMON_LIB) $$(LDLIBS)
endef
$(foreach p,$(PROGRAMS),$(eval $(call program_rules,$(p))))

$(BUILD)/common/empty.o:
	@mkdir -p $(dir $@)
	echo 'static int wh_empty_unit __attribute__((unused));' | $(CC) -x c -c - -o $@

UNIT_SRC := $(wildcard tests/unit/*.c)
$(BIN)/unit-tests: $(call obj,$(UNIT_SRC)) $(foreach p,$(PROGRAMS),$(call lib_of,$(p))) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/hello-mhd: $(call obj,bench/hello_mhd.c)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(foreach p,$(PROGRAMS),$(call lib_of,$(p))): | $(BUILD)/common/empty.o

deps:
	@scripts/deps.sh build

run: 
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory all
	@scripts/run.sh

test:
	@scripts/deps.sh build test
	@$(MAKE) --no-print-directory all
	@scripts/test.sh

unit: all
	$(BIN)/unit-tests

bench:
	@scripts/deps.sh build test bench
	@$(MAKE) --no-print-directory all
	@bench/run.sh

clean:
	rm -rf $(BUILD)

include deploy/compose.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
