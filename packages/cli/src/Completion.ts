/**
 * `roster completion bash|zsh|fish`: a script that completes nouns, verbs, options and `--output`'s
 * formats, made from the command tree itself (so that a new command completes with no line here).
 *
 *   bash:  source <(roster completion bash)        (or save it in ~/.local/share/bash-completion/completions/roster)
 *   zsh:   source <(roster completion zsh)         (through zsh's bashcompinit)
 *   fish:  roster completion fish > ~/.config/fish/completions/roster.fish
 */
import type { Command, Option } from "commander"

export const shells = ["bash", "zsh", "fish"] as const
export type Shell = (typeof shells)[number]

interface Node {
  /** `users list`; `` for the program itself. */
  readonly path: string
  readonly description: string
  readonly children: ReadonlyArray<string>
  readonly options: ReadonlyArray<Option>
}

/** Every command of the tree, the program first, with its subcommands and options. */
const nodes = (program: Command): ReadonlyArray<Node> => {
  const visible = (command: Command) => command.commands.filter((child) => child.name() !== "help")
  const walk = (command: Command, path: string): Array<Node> => [
    {
      path,
      description: command.description(),
      children: visible(command).map((child) => child.name()),
      options: command.options.filter((option) => !option.hidden)
    },
    ...visible(command).flatMap((child) => walk(child, path === "" ? child.name() : `${path} ${child.name()}`))
  ]
  return walk(program, "")
}

const longName = (option: Option) => option.long ?? option.short ?? ""

const takesValue = (option: Option) => option.required || option.optional

/** Words a shell sees as one: quoted for a bash `case`. */
const quoted = (text: string) => `"${text.replace(/(["\\$`])/g, "\\$1")}"`

/** Options whose value has a few words to offer (`--output`). */
const choices = (all: ReadonlyArray<Node>) => {
  const found = new Map<string, ReadonlyArray<string>>()
  for (const node of all) {
    for (const option of node.options) {
      if (option.argChoices !== undefined) found.set(longName(option), option.argChoices)
    }
  }
  return found
}

const bash = (program: Command): string => {
  const all = nodes(program)
  const valued = [...new Set(all.flatMap((node) => node.options.filter(takesValue).map(longName)))]
  const cases = all
    .map((node) => {
      const words = (node.path === "completion" ? [...shells] : [...node.children, ...node.options.map(longName)]).join(
        " "
      )
      return `      ${quoted(node.path)}) words=${quoted(words)} ;;`
    })
    .join("\n")
  const values = [...choices(all)]
    .map(([option, words]) => `    ${option}) words=${quoted(words.join(" "))} ;;`)
    .join("\n")
  return `# roster completion for bash: source <(roster completion bash)
_roster() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" depth=0 skip=0 i word words=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; continue; fi
    case "$word" in
      ${valued.join("|")}) skip=1 ;;
      -*) ;;
      # A command is two words at most (users list); what follows is an argument (an email, an id).
      *) if ((depth < 2)); then path="\${path:+$path }$word"; depth=$((depth + 1)); fi ;;
    esac
  done
  case "$prev" in
${values}
    ${valued.filter((option) => !choices(all).has(option)).join("|")}) words="" ;;
    *)
      case "$path" in
${cases}
      esac
      ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _roster roster
`
}

const zsh = (program: Command): string =>
  `#compdef roster
# roster completion for zsh: source <(roster completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(program).split("\n").slice(1).join("\n")}`

const fish = (program: Command): string => {
  const all = nodes(program)
  // Single quotes, as fish reads them (backslash and quote escaped).
  const fishQuoted = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`
  const lines = [
    "# roster completion for fish: roster completion fish > ~/.config/fish/completions/roster.fish",
    "complete -c roster -f"
  ]
  const top = all[0]!
  for (const node of all) {
    const depth = node.path === "" ? 0 : node.path.split(" ").length
    const condition =
      depth === 0
        ? "__fish_use_subcommand"
        : node.path
            .split(" ")
            .map((word) => `__fish_seen_subcommand_from ${word}`)
            .join("; and ")
    const childCondition =
      depth === 0 ? condition : `${condition}; and not __fish_seen_subcommand_from ${node.children.join(" ") || "-"}`
    for (const child of node.children) {
      const described = all.find((other) => other.path === (depth === 0 ? child : `${node.path} ${child}`))
      lines.push(
        `complete -c roster -n ${fishQuoted(childCondition)} -a ${fishQuoted(child)} -d ${fishQuoted(described?.description ?? "")}`
      )
    }
    if (node.path === "completion") {
      lines.push(`complete -c roster -n ${fishQuoted(condition)} -a ${fishQuoted(shells.join(" "))}`)
    }
    if (node === top) continue
    for (const option of node.options) {
      const name = longName(option).replace(/^--/, "")
      const values = option.argChoices === undefined ? "" : ` -a ${fishQuoted(option.argChoices.join(" "))}`
      lines.push(
        `complete -c roster -n ${fishQuoted(condition)} -l ${name}${takesValue(option) ? " -r" : ""}${values} -d ${fishQuoted(option.description)}`
      )
    }
  }
  for (const option of top.options) {
    const name = longName(option).replace(/^--/, "")
    const values = option.argChoices === undefined ? "" : ` -a ${fishQuoted(option.argChoices.join(" "))}`
    lines.push(
      `complete -c roster -l ${name}${takesValue(option) ? " -r" : ""}${values} -d ${fishQuoted(option.description)}`
    )
  }
  return `${lines.join("\n")}\n`
}

/** The completion script for `shell`, of `program`'s whole tree. */
export const script = (shell: Shell, program: Command): string => {
  switch (shell) {
    case "bash":
      return bash(program)
    case "zsh":
      return zsh(program)
    case "fish":
      return fish(program)
  }
}
