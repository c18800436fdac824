import { Controller } from '@nestjs/common';

/** Operation Encompass tracking (stub, to be filled). */
@Controller()
export class EncompassController {}
