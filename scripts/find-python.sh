#!/usr/bin/env bash
# Print the path of a Python 3 that has matplotlib (Debian's python3-matplotlib
# lives in /usr/bin/python3, which a pyenv or venv python3 earlier in PATH may
# hide).  $PYTHON, when set, is tried first.  Exit 1 when there is none.
for py in ${PYTHON:-} python3 /usr/bin/python3; do
	if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import matplotlib' >/dev/null 2>&1; then
		command -v "$py"
		exit 0
	fi
done
echo "no python3 with matplotlib: install python3-matplotlib (make deps)" >&2
exit 1
