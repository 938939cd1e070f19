import { ConfigError, loadConfigFromProcess, type Config, type Role } from '../config/config';
import { createLogger, type Logger } from '../logging/logger';
import { startRuntime, type Runtime } from './runtime';
import { StartupError } from './startup-error';

/**
 * The process around the runtime: settings, signals, fatal errors, exit codes.
 * - Bad settings: the ConfigError message alone on stderr, exit 1.
 * - A dependency unreachable at start: a one-line reason on stderr (and a fatal log line), exit 1.
 * - SIGTERM / SIGINT: graceful shutdown, exit 0; exit 1 if something did not close in time.
 *   A second signal exits at once.
 * - An uncaught exception or unhandled rejection: logged fatal, graceful shutdown, exit 1.
 */
/** Signals closer together than this count as one (npm forwards the terminal's Ctrl-C again). */
const SIGNAL_ECHO_MS = 1_000;

export function launch(forcedRole?: Role): void {
  let config: Config;
  try {
    config = loadConfigFromProcess();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const role = forcedRole ?? config.role;
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty });

  let runtime: Runtime | undefined;
  let stopRequested = false;
  let stopping = false;
  // The worst reason to stop wins: a fatal error during a signalled shutdown still exits 1.
  let exitCode = 0;
  let signals = 0;

  const exit = (code: number): never => {
    logger.flush();
    process.exit(code);
  };

  const stop = (reason: string, code: number) => {
    exitCode = Math.max(exitCode, code);
    stopRequested = true;
    if (!runtime || stopping) return;
    stopping = true;
    void runtime.shutdown(reason).then((outcome) => exit(outcome.pending.length > 0 || outcome.failed.length > 0 ? 1 : exitCode));
  };

  let firstSignalAt = 0;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      // Ctrl-C under `npm start` reaches node twice: from the terminal, then forwarded by npm a few
      // milliseconds later. That echo is the same request, not a second, impatient one.
      if (signals > 0 && Date.now() - firstSignalAt < SIGNAL_ECHO_MS) return;
      signals += 1;
      if (signals === 1) firstSignalAt = Date.now();
      if (signals > 1) {
        logger.warn({ signal }, 'second signal: exiting now');
        exit(1);
      }
      stop(signal, 0);
    });
  }
  const fatal = (kind: string) => (error: unknown) => {
    logger.fatal({ err: error }, kind);
    if (!runtime) exit(1);
    stop(kind, 1);
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled rejection'));

  startRuntime(config, role, logger).then(
    (started) => {
      runtime = started;
      if (stopRequested) stop('stop requested during startup', exitCode);
    },
    (error: unknown) => onStartupFailure(error, logger, exit),
  );
}

function onStartupFailure(error: unknown, logger: Logger, exit: (code: number) => never): never {
  if (error instanceof StartupError) {
    logger.fatal({ reason: error.message }, 'startup failed');
    process.stderr.write(`${error.message}\n`);
  } else {
    logger.fatal({ err: error }, 'startup failed');
  }
  return exit(1);
}
