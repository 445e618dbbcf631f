'use strict';
// Loaded by every mocha config. The AWS SDK's notice about its own future Node.js support is noise
// in test output (the CLI silences it the same way in bin/localbatch.js).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
