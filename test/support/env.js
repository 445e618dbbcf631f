'use strict';
// Loaded by every mocha config. The AWS SDK's notice about its own future Node.js support is noise
// in test output (the CLI silences it the same way in bin/localbatch.js).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// The real AWS CLI without its start-up: test/support/aws_cli_zygote.py. When the `aws` on PATH is
// the Python AWS CLI, an `aws` client script that hands each call to a pre-imported CLI goes first
// on PATH (LOCALBATCH_TEST_AWS_ZYGOTE=0: the plain `aws`). Anything unexpected: PATH stays as it is.
(function useAwsCliZygote() {
  if (process.env.LOCALBATCH_TEST_AWS_ZYGOTE === '0' || process.platform === 'win32' || process.env.LOCALBATCH_AWS_ZYGOTE_PATH) return;
  const { execFileSync } = require('node:child_process');
  const fs = require('node:fs');
  const os = require('node:os');
  const path = require('node:path');
  try {
    const which = (cmd) => execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
    let real = fs.realpathSync(which('aws'));
    // pyenv's shim is a bash script: the installed script is what `pyenv which` names.
    if (!fs.readFileSync(real, 'utf8').startsWith('#!/usr/bin/env python') && real.includes('.pyenv')) real = execFileSync('pyenv', ['which', 'aws'], { encoding: 'utf8' }).trim();
    const shebang = fs.readFileSync(real, 'utf8').split('\n')[0];
    const m = /^#!(\S+python[\d.]*)\s*$/.exec(shebang);
    if (!m) return;
    const python = m[1];
    execFileSync(python, ['-c', 'import awscli.clidriver, socket; socket.send_fds'], { stdio: 'ignore' });
    const dir = path.join(os.tmpdir(), `localbatch-aws-zygote-${process.getuid()}`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const key = require('node:crypto').createHash('sha256').update(`${python}\0${real}\0${fs.statSync(real).mtimeMs}\0${__dirname}`).digest('hex').slice(0, 12);
    const sock = path.join(dir, `${key}.sock`);
    const shim = path.join(dir, key);
    fs.mkdirSync(shim, { recursive: true });
    const script = `#!${python} -S\nimport sys\nsys.path.insert(0, ${JSON.stringify(__dirname)})\nimport aws_cli_zygote\naws_cli_zygote.client(${JSON.stringify(python)}, ${JSON.stringify(real)}, ${JSON.stringify(sock)})\n`;
    fs.writeFileSync(path.join(shim, 'aws'), script, { mode: 0o755 });
    process.env.PATH = `${shim}${path.delimiter}${process.env.PATH}`;
    process.env.LOCALBATCH_AWS_ZYGOTE_PATH = shim;
  } catch {
    // No Python AWS CLI here (or not one this works with): the tests run the plain `aws`.
  }
})();
