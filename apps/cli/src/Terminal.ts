/**
 * The terminal `roster` runs on, when it runs on one: questions go to stderr (stdout stays the
 * command's output), a secret is read with the typing unseen, and Ctrl-C while asking ends the
 * command as an interrupt (exit 130) with the terminal restored.
 */
import type { Terminal } from "@roster/cli"
import * as Readline from "node:readline"

const interrupted = 130

/** Reads a line from a terminal in raw mode, echoing nothing. */
const secret = (question: string): Promise<string> =>
  new Promise((resolve) => {
    const stdin = process.stdin
    process.stderr.write(question)
    stdin.setRawMode(true)
    stdin.setEncoding("utf8")
    stdin.resume()
    let text = ""
    const finish = () => {
      stdin.off("data", onData)
      stdin.setRawMode(false)
      stdin.pause()
      process.stderr.write("\n")
    }
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n" || char === "\u0004") {
          finish()
          return resolve(text)
        }
        if (char === "\u0003") {
          finish()
          process.exit(interrupted)
        }
        if (char === "\u007f" || char === "\b") text = [...text].slice(0, -1).join("")
        else if (char >= " ") text += char
      }
    }
    stdin.on("data", onData)
  })

const line = (question: string): Promise<string> =>
  new Promise((resolve) => {
    const reader = Readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true })
    reader.on("SIGINT", () => {
      reader.close()
      process.stderr.write("\n")
      process.exit(interrupted)
    })
    reader.question(question, (answer) => {
      reader.close()
      resolve(answer)
    })
  })

/** This process's terminal, if it has one. */
export const make = (): Terminal => ({
  interactive: process.stdin.isTTY === true,
  columns: process.stdout.isTTY === true ? process.stdout.columns : undefined,
  secret,
  line
})
