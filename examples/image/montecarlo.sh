#!/bin/sh
# Prints what one step of the example pipeline does: montecarlo <step> [words...]
step=$1
shift
echo "$step $*"
