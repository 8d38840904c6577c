import { dayLabel } from '../lib/format';

export function DaySeparator(props: { iso: string }) {
  return (
    <div class="day" role="separator" aria-label={dayLabel(props.iso)}>
      <span>{dayLabel(props.iso)}</span>
    </div>
  );
}
