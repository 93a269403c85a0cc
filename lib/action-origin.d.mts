export type HeaderGetter = (name: string) => string | string[] | null | undefined;
export declare function isServerActionRequest(method: string, pathname: string, header: HeaderGetter): boolean;
export declare function publicHost(publicBaseUrl: string | undefined): string | undefined;
export declare function actionOriginRefusal(request: { method: string; pathname: string; header: HeaderGetter; publicBaseUrl?: string | undefined }): "no_origin" | "null_origin" | "foreign_origin" | null;
export declare function actionOriginRefusalResponse(pathname: string): { status: 403; headers: Record<string, string>; body: string };
