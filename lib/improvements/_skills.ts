/** Private: a roster's skills cell, `queue:priority;…` (`,` also separates; priority 1 when left out). */
export function skillsOf(text: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (text ?? "").split(/[;,]/).map((x) => x.trim()).filter(Boolean)) {
    const [q, p] = part.split(":");
    out[q!.trim()] = Math.max(1, Math.round(Number(p ?? 1)) || 1);
  }
  return out;
}
