/**
 * @module
 * Brazilian Portuguese strings of `<pay-checkout>`.
 */
import type { Translation } from './en.js';

/** Portuguese (Brazil). */
export const ptBR: Translation = {
  $code: 'pt-BR',
  $dir: 'ltr',
  loading: 'Carregando as formas de pagamento…',
  total: 'Total',
  chooseMethod: 'Escolha uma forma de pagamento',
  groupRedirect: 'Pagar on-line',
  groupQr: 'Pagar com QR code',
  continue: 'Continuar',
  submitting: 'Iniciando seu pagamento…',
  redirecting: 'Levando você ao seu provedor de pagamento…',
  fieldRequired: (label) => `${label} é obrigatório.`,
  fieldInvalid: (label) => `${label} não é válido.`,
  scanToPay: 'Escaneie o código com o app do seu banco para pagar',
  payInApp: 'Pague no app do seu banco',
  qrImage: 'QR code deste pagamento',
  paymentCode: 'Código de pagamento',
  copy: 'Copiar',
  copied: 'Copiado',
  openIn: (label) => `Abrir ${label}`,
  expiresIn: (time) => `Expira em ${time}`,
  qrExpired: 'Este código expirou.',
  newCode: 'Gerar um novo código',
  waitingForPayment: 'Aguardando seu pagamento…',
  mandateTerms: (amount, cadence) =>
    `Você também autoriza pagamentos futuros${amount ? ` de até ${amount}` : ''}${
      cadence ? `, ${cadence}` : ''
    }.`,
  cadence: {
    BI_WEEKLY: 'a cada duas semanas',
    WEEKLY: 'toda semana',
    MONTHLY: 'todo mês',
    QUARTERLY: 'a cada trimestre',
    SEMI_ANNUAL: 'a cada seis meses',
    ANNUAL: 'todo ano',
    ON_DEMAND: 'quando devido',
  },
  confirming: 'Confirmando seu pagamento…',
  confirmingHint: 'Isso costuma levar alguns segundos. Você pode manter esta página aberta.',
  notYetPaid: 'Ainda não recebemos seu pagamento',
  notYetPaidHint:
    'Se você concluiu o pagamento, ele pode levar alguns minutos para chegar até nós. Se não, você pode pagar de outra forma.',
  keepWaiting: 'Já paguei — continuar aguardando',
  payAnotherWay: 'Pagar de outra forma',
  paid: 'Pagamento recebido',
  paidHint: 'Obrigado. Seu pagamento foi confirmado.',
  failed: 'O pagamento falhou',
  failedHint: 'Seu pagamento não foi concluído. Nenhum valor foi cobrado.',
  cancelled: 'Pagamento cancelado',
  cancelledHint: 'O pagamento foi cancelado antes de ser concluído.',
  expired: 'Pagamento expirado',
  expiredHint: 'Este pagamento não foi concluído a tempo.',
  tryAnotherMethod: 'Tentar outra forma de pagamento',
  retry: 'Tentar novamente',
  noMethods: 'Nenhuma forma de pagamento está disponível para este pagamento.',
  errorNetwork:
    'Não conseguimos acessar o serviço de pagamento. Verifique sua conexão e tente novamente.',
  errorNotFound: 'Não encontramos este pagamento. O link pode estar errado ou desatualizado.',
  errorSessionPaid: 'Este pagamento já foi feito. Não há mais nada a fazer.',
  errorSessionExpired: 'Este pagamento expirou. Comece de novo pela loja.',
  errorMethodUnavailable: 'Esta forma de pagamento não está disponível agora. Escolha outra.',
  errorInvalidInput: 'Alguns dados não são válidos. Confira e tente novamente.',
  errorNotConfigured: 'Este pagamento não está configurado corretamente.',
  errorGeneric: 'Algo deu errado do nosso lado. Tente novamente.',
};
