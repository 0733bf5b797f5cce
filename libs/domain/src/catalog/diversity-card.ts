import { DiversityCard } from './catalog.types';

/** A value with more than this share of a cohort dominates it. */
export const DOMINANCE_SHARE = 0.7;

const LABELS: Record<keyof DiversityCard['dimensions'], string> = {
  organization: 'contributing organization',
  manufacturer: 'scanner manufacturer',
  model: 'scanner model',
  modality: 'modality',
  sex: 'patient sex',
  ageBand: 'age band',
};

/**
 * The spread of a cohort over sites, scanners, modality, sex and age, with a warning where one value dominates:
 * models trained on one scanner or one site generalize poorly, and the card shows it before training.
 */
export function diversityCard(instances: number, spread: Record<keyof DiversityCard['dimensions'], Array<{ value: string; count: number }>>): DiversityCard {
  const dimensions = {} as DiversityCard['dimensions'];
  const warnings: string[] = [];
  for (const key of Object.keys(LABELS) as Array<keyof DiversityCard['dimensions']>) {
    const values = [...(spread[key] ?? [])].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    dimensions[key] = values.map((v) => ({ value: v.value, count: v.count, share: instances ? Math.round((v.count / instances) * 1000) / 1000 : 0 }));
    const top = dimensions[key][0];
    if (instances > 0 && top && top.share > DOMINANCE_SHARE) {
      warnings.push(
        dimensions[key].length === 1
          ? `every instance has the same ${LABELS[key]} (${top.value}): a model trained on this cohort may not generalize beyond it`
          : `${Math.round(top.share * 100)}% of instances share one ${LABELS[key]} (${top.value})`,
      );
    }
  }
  return { instances, dimensions, warnings };
}
