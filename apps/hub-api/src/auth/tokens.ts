// TokenService lives in libs/platform so every service that takes hub tokens verifies them alike.
export { demoMode, TokenService } from '../../../../libs/platform/src/auth/tokens';
