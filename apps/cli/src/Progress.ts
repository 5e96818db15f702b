/**
 * `roster dev seed`'s progress bar (cli-progress) on stderr, only when stderr is a terminal: a
 * redirected stderr or a pipe gets no bar, only the command's answer and errors.
 */
import type { Progress } from "@roster/cli"
import cliProgress from "cli-progress"

export const onTerminal = (): Progress | undefined => {
  if (process.stderr.isTTY !== true) return undefined
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: "Seeding [{bar}] {percentage}% | {value}/{total} members | {duration_formatted}",
      hideCursor: true,
      clearOnComplete: true
    },
    cliProgress.Presets.shades_classic
  )
  let started = false
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, done)
        started = true
      } else bar.update(done)
    },
    stop: () => {
      if (started) bar.stop()
    }
  }
}
