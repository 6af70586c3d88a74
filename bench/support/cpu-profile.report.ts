import { formatNumber, markdownTable } from './markdown.util';
import type { ProfileSummary } from './cpu-profile.summary';

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;

/** A CPU profile summary as markdown tables, under a `####` heading. */
export function profileMarkdown(title: string, profile: ProfileSummary & { file: string }): string {
  return [
    `#### ${title} (node --cpu-prof)`,
    '',
    `${profile.samples} samples over ${(profile.windowMs / 1000).toFixed(1)} s` +
      `${profile.wholeProfile ? ' (whole profile)' : ' (measured window)'}; raw profile: \`${profile.file}\` (open in Chrome DevTools).`,
    '',
    markdownTable(
      ['area (self time)', 'share', 'ms'],
      profile.byArea.map((e) => [e.name, pct(e.share), formatNumber(e.ms)]),
    ),
    '',
    markdownTable(
      ['function (self time)', 'share', 'ms'],
      profile.topSelf.map((e) => [e.name, pct(e.share), formatNumber(e.ms)]),
    ),
    '',
    markdownTable(
      ['repository function (inclusive, synchronous stacks)', 'share', 'ms'],
      profile.topInclusiveRepo.map((e) => [e.name, pct(e.share), formatNumber(e.ms)]),
    ),
  ].join('\n');
}
