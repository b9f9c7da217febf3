import { startGateway } from '@balai/gateway';
import { x } from '../../complaints/src/app.js';
export const y = [startGateway, x];
