// Tests log at warn and above unless LOG_LEVEL says otherwise.
process.env.LOG_LEVEL ??= 'warn';
