/**
 * @module
 * German strings of `<pay-checkout>`.
 */
import type { Translation } from './en.js';

/** German. */
export const de: Translation = {
  $code: 'de',
  $dir: 'ltr',
  loading: 'Zahlungsarten werden geladen…',
  total: 'Gesamt',
  chooseMethod: 'Zahlungsart wählen',
  pay: (amount) => `${amount} bezahlen`,
  choose: 'Bitte wählen…',
  methodUnavailable: 'Gerade nicht verfügbar. Bitte wählen Sie eine andere Zahlungsart.',
  notes: {
    bank: 'Sie werden zu Ihrer Bank weitergeleitet, um die Zahlung freizugeben.',
    card: 'Sie geben Ihre Kartendaten auf einer sicheren Zahlungsseite ein.',
    wallet: 'Sie werden zu Ihrer Wallet weitergeleitet, um die Zahlung freizugeben.',
    bnpl: 'Sie werden zum Anbieter weitergeleitet und wählen dort, wann Sie zahlen.',
    qr: 'Sie erhalten einen Code, den Sie mit Ihrer Banking-App bezahlen.',
  },
  labels: {
    'ivy:bank': 'Per Banküberweisung bezahlen',
    'ixopay:card': 'Mit Karte bezahlen',
    'iwocapay:checkout': 'iwocaPay: jetzt oder später bezahlen',
    'koywe:CARD': 'Karte',
    'field:fullName': 'Vollständiger Name',
    'field:documentType': 'Ausweisart',
    'field:documentNumber': 'Ausweisnummer',
    'field:bank': 'Bank',
    'field:terms': 'Zahlungsbedingungen',
    'option:terms:PAY_NOW': 'Jetzt per Banküberweisung bezahlen',
    'option:terms:PAY_LATER': 'Später in Monatsraten bezahlen',
  },
  submitting: 'Ihre Zahlung wird gestartet…',
  redirecting: 'Sie werden zu Ihrem Zahlungsanbieter weitergeleitet…',
  fieldRequired: (label) => `Bitte füllen Sie „${label}“ aus.`,
  fieldInvalid: (label) => `Bitte prüfen Sie „${label}“.`,
  scanToPay: 'Scannen Sie den Code mit Ihrer Banking-App, um zu bezahlen',
  payInApp: 'In Ihrer Banking-App bezahlen',
  qrImage: 'QR-Code für diese Zahlung',
  paymentCode: 'Zahlungscode',
  copy: 'Kopieren',
  copied: 'Kopiert',
  openIn: (label) => `${label} öffnen`,
  expiresIn: (time) => `Läuft ab in ${time}`,
  qrExpired: 'Dieser Code ist abgelaufen.',
  newCode: 'Neuen Code anfordern',
  waitingForPayment: 'Wir warten auf Ihre Zahlung…',
  mandateTerms: (amount, cadence) =>
    `Sie erlauben außerdem künftige Zahlungen${amount ? ` von bis zu ${amount}` : ''}${
      cadence ? `, ${cadence}` : ''
    }.`,
  cadence: {
    BI_WEEKLY: 'alle zwei Wochen',
    WEEKLY: 'wöchentlich',
    MONTHLY: 'monatlich',
    QUARTERLY: 'vierteljährlich',
    SEMI_ANNUAL: 'halbjährlich',
    ANNUAL: 'jährlich',
    ON_DEMAND: 'bei Fälligkeit',
  },
  confirming: 'Ihre Zahlung wird bestätigt…',
  confirmingHint: 'Das dauert meist nur wenige Sekunden. Sie können diese Seite geöffnet lassen.',
  notYetPaid: 'Ihre Zahlung ist noch nicht bei uns eingegangen',
  notYetPaidHint:
    'Wenn Sie bezahlt haben, kann es einige Minuten dauern, bis sie bei uns ankommt. Andernfalls können Sie anders bezahlen.',
  keepWaiting: 'Ich habe bezahlt – weiter warten',
  payAnotherWay: 'Anders bezahlen',
  paid: 'Zahlung eingegangen',
  paidHint: 'Vielen Dank. Ihre Zahlung wurde bestätigt.',
  failed: 'Zahlung fehlgeschlagen',
  failedHint: 'Ihre Zahlung wurde nicht ausgeführt. Es wurde kein Geld abgebucht.',
  cancelled: 'Zahlung abgebrochen',
  cancelledHint: 'Die Zahlung wurde abgebrochen, bevor sie abgeschlossen war.',
  expired: 'Zahlung abgelaufen',
  expiredHint: 'Diese Zahlung wurde nicht rechtzeitig abgeschlossen.',
  resultMethod: 'Zahlungsart',
  resultReference: 'Referenz',
  tryAnotherMethod: 'Andere Zahlungsart wählen',
  retry: 'Erneut versuchen',
  noMethods: 'Für diese Zahlung ist keine Zahlungsart verfügbar.',
  errorNetwork:
    'Der Zahlungsdienst ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
  errorNotFound:
    'Dieser Bezahlvorgang wurde nicht gefunden. Der Link ist womöglich falsch oder veraltet.',
  errorSessionPaid: 'Dieser Bezahlvorgang ist bereits bezahlt. Sie müssen nichts weiter tun.',
  errorSessionExpired: 'Dieser Bezahlvorgang ist abgelaufen. Bitte beginnen Sie erneut im Shop.',
  errorMethodUnavailable:
    'Diese Zahlungsart ist gerade nicht verfügbar. Bitte wählen Sie eine andere.',
  errorInvalidInput:
    'Einige Angaben sind ungültig. Bitte prüfen Sie sie und versuchen Sie es erneut.',
  errorNotConfigured: 'Dieser Bezahlvorgang ist nicht richtig eingerichtet.',
  errorGeneric: 'Bei uns ist etwas schiefgelaufen. Bitte versuchen Sie es erneut.',
};
