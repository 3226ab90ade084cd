// Money is an amount with its currency, never a bare number (§3).
export interface Money {
  amount: number;
  currency: string;
}

/** Rounds to the currency's minor unit so float noise from a backend never reaches a client. */
export function money(amount: number, currency: string): Money {
  return { amount: Math.round(amount * 100) / 100, currency };
}

export function moneyOrNull(amount: number | null | undefined, currency: string | null | undefined): Money | null {
  return amount == null || !currency ? null : money(amount, currency);
}
