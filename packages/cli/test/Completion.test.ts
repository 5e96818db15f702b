/** `roster completion bash|zsh|fish`: scripts made from the command tree, which complete it. */
import { assert, describe, it } from "@effect/vitest"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { run } from "../src/index.js"
import { assertFailure, type Result } from "./CliHarness.js"

const roster = async (...argv: Array<string>): Promise<Result> => {
  const out: Array<string> = []
  const err: Array<string> = []
  const code = await run(argv, {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    makeRuntime: () => {
      throw new Error("completion opened the database")
    }
  })
  return { code, stdout: out.join(""), stderr: err.join("") }
}

const hasBash = ChildProcess.spawnSync("bash", ["--version"]).status === 0

describe("roster completion", () => {
  it.skipIf(!hasBash)(
    "bash: completes nouns, verbs, options, formats and shells, past options' values and arguments",
    async () => {
      const script = await roster("completion", "bash")
      assert.strictEqual(script.code, 0)
      const file = Path.join(Fs.mkdtempSync(Path.join(Os.tmpdir(), "roster-completion-")), "roster.bash")
      Fs.writeFileSync(file, script.stdout)
      const complete = (...words: Array<string>) =>
        ChildProcess.execFileSync(
          "bash",
          [
            "-c",
            `source ${JSON.stringify(file)}; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _roster; echo "\${COMPREPLY[*]}"`,
            "bash",
            "roster",
            ...words
          ],
          { encoding: "utf8" }
        ).trim()
      try {
        assert.strictEqual(complete("us"), "users")
        assert.include(complete("users", "").split(" "), "set-role")
        assert.deepStrictEqual(complete("users", "list", "--st").split(" "), ["--status"])
        assert.deepStrictEqual(complete("--output", "").split(" "), ["table", "json", "csv", "yaml"])
        assert.strictEqual(complete("--data-dir", "/srv/data", "tok"), "tokens")
        assert.strictEqual(complete("users", "show", "--org", "acme", "ada@example.com", "--ye"), "")
        assert.strictEqual(complete("users", "forget", "--org", "acme", "ada@example.com", "--ye"), "--yes")
        assert.strictEqual(complete("completion", "f"), "fish")
        assert.strictEqual(complete("log"), "login logout")
      } finally {
        Fs.rmSync(Path.dirname(file), { recursive: true, force: true })
      }
    }
  )

  it("zsh: the same, through zsh's bashcompinit; fish: a complete line per command and option", async () => {
    const zsh = (await roster("completion", "zsh")).stdout
    assert.match(zsh, /^#compdef roster\n/)
    assert.include(zsh, "autoload -U +X bashcompinit && bashcompinit")
    assert.include(zsh, "complete -F _roster roster")
    const fish = (await roster("completion", "fish")).stdout
    for (const line of [
      "complete -c roster -n '__fish_use_subcommand' -a 'users' -d 'List and manage the members of an organization'",
      "complete -c roster -n '__fish_seen_subcommand_from users; and __fish_seen_subcommand_from list' -l status -r",
      "complete -c roster -l output -r -a 'table json csv yaml'",
      "complete -c roster -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'"
    ]) {
      assert.include(fish, line)
    }
  })

  it("refuses another shell", async () => {
    assertFailure(await roster("completion", "powershell"), "USAGE", 2, /powershell/)
  })
})
