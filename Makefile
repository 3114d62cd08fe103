# Thin targets over standard tools. `make book` and `make test` are the two commands of the README.
SHELL  := /bin/bash
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
NB     ?= book/linear_algebra.ipynb
PORT   ?= 8000
HTML_DIR ?= _build/html
# Jupyter refuses to run as root without --allow-root; pass it only when we are root.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
LAB_ARGS ?=
# Tests in parallel on every core; a file's tests stay on one worker, so a notebook's cells share one kernel.
JOBS   ?= auto

.PHONY: book test venv notebooks notebook lab bench serve clean mutation

$(BIN)/.installed: requirements.txt pyproject.toml
	@echo "Setting up $(VENV): about 170 packages from requirements.txt (a few minutes the first time)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --progress-bar off -r requirements.txt | grep -E "^(Collecting|Successfully installed)" \
	  | awk '/^Collecting/ {n++; if (n % 20 == 0) printf "  ... %d packages resolved\n", n; fflush()} \
	         /^Successfully/ {print "  installed."}'; test $${PIPESTATUS[0]} -eq 0
	touch $@

venv: $(BIN)/.installed

## Build the HTML book into _build/html (executes the notebooks; warnings are errors).
book: venv
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo
	@echo "Book built: open $(CURDIR)/_build/html/index.html in a browser (it reads offline),"
	@echo "or serve it with:  make serve   (http://127.0.0.1:8000)"

## Run every test: unit tests and doctests, strict nbval of every notebook, book build, offline scan, browser.
## The test copy of the book is built from the stored outputs that strict nbval verifies, in _build/test
## (a book you are serving from _build/html is left alone).
test: venv
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile mathdl tests book --nbval --nbval-current-env --nbval-sanitize-with book/sanitize.cfg

## Re-execute notebooks in place so their stored outputs come from one fresh top-to-bottom run.
notebooks: venv
	for nb in book/*.ipynb; do $(MAKE) --no-print-directory notebook NB=$$nb || exit 1; done

notebook: venv
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=300 $(NB)
	@# a static page cannot use live widget state: drop it (nbclient's store_widget_state=False breaks on Output widgets)
	$(BIN)/python -c "import nbformat, sys; nb = nbformat.read(sys.argv[1], 4); nb.metadata.pop('widgets', None); nbformat.write(nb, sys.argv[1])" $(NB)

## JupyterLab on book/ (as root too). PORT=8888 LAB_ARGS="--no-browser" to choose.
lab: venv
	$(BIN)/jupyter lab book/ --port=$(PORT) $(ROOT_FLAG) $(LAB_ARGS)

## Serve the built book on http://127.0.0.1:$(PORT) (PORT=8000 by default).
serve:
	@echo "Serving $(HTML_DIR) on http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory $(HTML_DIR) $(PORT)

## Print timings: cold and warm book builds, strict nbval, each notebook's execution time.
bench: venv
	$(BIN)/python benchmarks/run.py

## Mutation check (not part of `make test`): would the tests notice each return value x1.001? Kill rate per module.
## MODULES="mathdl/linalg.py mathdl/optim.py" limits it; MUTATION_ARGS=--operators also flips operators.
mutation: venv
	$(BIN)/python tests/mutation.py $(MODULES) $(MUTATION_ARGS)

clean:
	rm -rf _build
