# Thin targets over standard tools. `make book` and `make test` are the two commands of the README.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
NB     ?= book/linear_algebra.ipynb

.PHONY: book test venv notebooks notebook lab bench serve clean mutation

$(BIN)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

venv: $(BIN)/.installed

## Build the HTML book into _build/html (executes the notebooks; warnings are errors).
book: venv
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo
	@echo "Book built: open $(CURDIR)/_build/html/index.html in a browser (it reads offline),"
	@echo "or serve it with:  make serve   (http://127.0.0.1:8000)"

## Run every test: unit tests and doctests, strict nbval of every notebook, book build, offline scan, browser.
test: venv
	$(BIN)/python -m pytest mathdl tests book --nbval --nbval-current-env --nbval-sanitize-with book/sanitize.cfg

## Re-execute notebooks in place so their stored outputs come from one fresh top-to-bottom run.
notebooks: venv
	for nb in book/*.ipynb; do $(MAKE) --no-print-directory notebook NB=$$nb || exit 1; done

notebook: venv
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=300 $(NB)
	@# a static page cannot use live widget state: drop it (nbclient's store_widget_state=False breaks on Output widgets)
	$(BIN)/python -c "import nbformat, sys; nb = nbformat.read(sys.argv[1], 4); nb.metadata.pop('widgets', None); nbformat.write(nb, sys.argv[1])" $(NB)

lab: venv
	$(BIN)/jupyter lab book/

serve:
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html 8000

## Print timings: cold and warm book builds, strict nbval, each notebook's execution time.
bench: venv
	$(BIN)/python benchmarks/run.py

## Mutation check (not part of `make test`): would the tests notice each return value x1.001? Kill rate per module.
## MODULES="mathdl/linalg.py mathdl/optim.py" limits it; MUTATION_ARGS=--operators also flips operators.
mutation: venv
	$(BIN)/python tests/mutation.py $(MODULES) $(MUTATION_ARGS)

clean:
	rm -rf _build
