// How the bench scripts turn repeated timings into one figure per side.

/** The middle value (the upper one of an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The first and third quartiles of `xs` (nearest rank), the spread that a median hides. */
export function quartiles(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return [at(0.25), at(0.75)];
}

/** `rounds` rounds of `measure` over every side, the side that goes first rotating, so that none
 * always pays for what another leaves behind (garbage, timers, sockets): each side's figure of
 * every round, in round order. */
export async function pairedRounds(rounds, measure, ...sides) {
  const figures = sides.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < sides.length; k++) {
      const i = (r + k) % sides.length;
      figures[i].push(await measure(sides[i]));
    }
  }
  return figures;
}

/** The same, each side's median. */
export async function paired(rounds, measure, ...sides) {
  return (await pairedRounds(rounds, measure, ...sides)).map(median);
}
