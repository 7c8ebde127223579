export function causeClass(message: string): string;
