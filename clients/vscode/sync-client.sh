#!/usr/bin/env bash
# Copies the protocol client into the extension (lib/flowcoach.mjs): the extension folder
# must be installable on its own, and the .mjs name makes Node load it as an ES module.
set -euo pipefail
cd "$(dirname "$0")"
cp ../js/flowcoach.js lib/flowcoach.mjs
echo "copied ../js/flowcoach.js to lib/flowcoach.mjs"
